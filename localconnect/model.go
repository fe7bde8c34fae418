package localconnect

import (
	"time"
)

// DefaultRegion is the region of a server whose Options.Region is empty.
const DefaultRegion = "us-east-1"

// DefaultAccount is the AWS account of instances created without one.
const DefaultAccount = "123456789012"

// Quick connect types (QuickConnectConfig.QuickConnectType on the wire).
const (
	QuickConnectUser        = "USER"
	QuickConnectQueue       = "QUEUE"
	QuickConnectPhoneNumber = "PHONE_NUMBER"
	QuickConnectFlow        = "FLOW"
)

// Phone types of a user's PhoneConfig.
const (
	PhoneTypeSoftPhone = "SOFT_PHONE"
	PhoneTypeDeskPhone = "DESK_PHONE"
)

// Instance is an Amazon Connect instance. Its users and quick connects
// live under it; ARN is derived from Region, Account and ID.
type Instance struct {
	ID          string    `json:"id"`              // a UUID
	ARN         string    `json:"arn"`             // arn:aws:connect:<region>:<account>:instance/<id>
	Alias       string    `json:"alias,omitempty"` // the instance's name in the console
	Region      string    `json:"region"`          // e.g. us-east-1
	Account     string    `json:"account"`         // 12 digits
	CreatedTime time.Time `json:"created_time"`    // set by the server
}

// AccessKey is an AWS access key pair the server accepts in SigV4
// signatures. The secret is kept in plain text because verifying a SigV4
// signature needs it: the signing key is an HMAC chain over the secret, so
// a hash of the secret would be useless. The state file is written 0600 for
// that reason.
type AccessKey struct {
	ID     string `json:"id"`     // AKIA… (20 characters), sent in the signature's Credential
	Secret string `json:"secret"` // 40 characters, never sent
	// Deny lists operations ("ListUsers", "CreateUser", …) the key may not
	// call, as an IAM policy would deny them; they answer
	// AccessDeniedException.
	Deny        []string  `json:"deny,omitempty"`
	CreatedTime time.Time `json:"created_time"` // set by the server
}

// IdentityInfo is a user's name and email.
type IdentityInfo struct {
	FirstName string `json:"first_name,omitempty"` // IdentityInfo.FirstName
	LastName  string `json:"last_name,omitempty"`  // IdentityInfo.LastName
	Email     string `json:"email,omitempty"`      // IdentityInfo.Email
}

// PhoneConfig is a user's phone settings. PhoneType is SOFT_PHONE or
// DESK_PHONE; AfterContactWorkTimeLimit is in seconds.
type PhoneConfig struct {
	PhoneType                 string `json:"phone_type"`                              // SOFT_PHONE or DESK_PHONE
	AutoAccept                bool   `json:"auto_accept,omitempty"`                   // accept contacts without a click
	AfterContactWorkTimeLimit int32  `json:"after_contact_work_time_limit,omitempty"` // seconds
	DeskPhoneNumber           string `json:"desk_phone_number,omitempty"`             // E.164, for DESK_PHONE
}

// User is an Amazon Connect user (an agent). ID and ARN are assigned on
// creation unless ID is given; ARN is
// arn:aws:connect:<region>:<account>:instance/<instance id>/agent/<id>.
type User struct {
	ID                 string            `json:"id"`                           // a UUID; the last part of ARN
	ARN                string            `json:"arn"`                          // set by the server
	Username           string            `json:"username"`                     // unique in the instance, ignoring case
	IdentityInfo       IdentityInfo      `json:"identity_info"`                // name and email
	PhoneConfig        PhoneConfig       `json:"phone_config"`                 // softphone or desk phone
	SecurityProfileIDs []string          `json:"security_profile_ids"`         // 1 to 10 ids
	RoutingProfileID   string            `json:"routing_profile_id"`           // required
	HierarchyGroupID   string            `json:"hierarchy_group_id,omitempty"` // optional
	Tags               map[string]string `json:"tags,omitempty"`               // at most 50
	LastModifiedTime   time.Time         `json:"last_modified_time"`           // set by the server, millisecond precision
}

// QuickConnect is a transfer destination. Type says which of the target
// fields apply: USER (UserID, ContactFlowID), QUEUE (QueueID,
// ContactFlowID), PHONE_NUMBER (PhoneNumber) or FLOW (ContactFlowID). ARN is
// …:instance/<instance id>/transfer-destination/<id>.
type QuickConnect struct {
	ID               string            `json:"id"`                        // a UUID; the last part of ARN
	ARN              string            `json:"arn"`                       // set by the server
	Name             string            `json:"name"`                      // unique in the instance, ignoring case
	Description      string            `json:"description,omitempty"`     // at most 250 characters
	Type             string            `json:"type"`                      // USER, QUEUE, PHONE_NUMBER or FLOW
	UserID           string            `json:"user_id,omitempty"`         // USER: the agent called
	QueueID          string            `json:"queue_id,omitempty"`        // QUEUE: the queue called
	ContactFlowID    string            `json:"contact_flow_id,omitempty"` // USER, QUEUE, FLOW: the transfer flow
	PhoneNumber      string            `json:"phone_number,omitempty"`    // PHONE_NUMBER: E.164
	Tags             map[string]string `json:"tags,omitempty"`            // at most 50
	LastModifiedTime time.Time         `json:"last_modified_time"`        // set by the server; moves on every change
}

// partitionOf returns the ARN partition of a region.
func partitionOf(region string) string {
	switch {
	case len(region) > 7 && region[:7] == "us-gov-":
		return "aws-us-gov"
	case len(region) > 3 && region[:3] == "cn-":
		return "aws-cn"
	}
	return "aws"
}

func instanceARN(region, account, id string) string {
	return "arn:" + partitionOf(region) + ":connect:" + region + ":" + account + ":instance/" + id
}
