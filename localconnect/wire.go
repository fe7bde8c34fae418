package localconnect

import (
	"encoding/json"
	"fmt"
	"time"
)

// The JSON shapes below carry the member names of the SDK's serializers
// and deserializers (service/connect, awsRestjson1_*): "Id", "Arn",
// "UserSummaryList", "QuickConnectARN" and so on.

// epochSeconds is a timestamp as Amazon Connect sends it: seconds since
// the Unix epoch as a JSON number with millisecond precision, which the
// SDK reads with smithytime.ParseEpochSeconds.
type epochSeconds time.Time

// MarshalJSON writes seconds.milliseconds as a JSON number.
func (t epochSeconds) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	if ms < 0 {
		return nil, fmt.Errorf("timestamp %v is before the epoch", time.Time(t))
	}
	return fmt.Appendf(nil, "%d.%03d", ms/1000, ms%1000), nil
}

type wireIdentityInfo struct {
	FirstName string `json:"FirstName,omitempty"`
	LastName  string `json:"LastName,omitempty"`
	Email     string `json:"Email,omitempty"`
}

type wireIdentityInfoLite struct {
	FirstName string `json:"FirstName,omitempty"`
	LastName  string `json:"LastName,omitempty"`
}

type wirePhoneConfig struct {
	PhoneType                 string `json:"PhoneType"`
	AutoAccept                bool   `json:"AutoAccept"`
	AfterContactWorkTimeLimit int32  `json:"AfterContactWorkTimeLimit"`
	DeskPhoneNumber           string `json:"DeskPhoneNumber,omitempty"`
}

type wireUserSummary struct {
	Arn                string       `json:"Arn"`
	ID                 string       `json:"Id"`
	Username           string       `json:"Username"`
	LastModifiedTime   epochSeconds `json:"LastModifiedTime"`
	LastModifiedRegion string       `json:"LastModifiedRegion"`
}

type listUsersOutput struct {
	UserSummaryList []wireUserSummary `json:"UserSummaryList"`
	NextToken       string            `json:"NextToken,omitempty"`
}

type wireUser struct {
	Arn                string            `json:"Arn"`
	ID                 string            `json:"Id"`
	Username           string            `json:"Username"`
	IdentityInfo       *wireIdentityInfo `json:"IdentityInfo,omitempty"`
	PhoneConfig        *wirePhoneConfig  `json:"PhoneConfig,omitempty"`
	SecurityProfileIDs []string          `json:"SecurityProfileIds"`
	RoutingProfileID   string            `json:"RoutingProfileId"`
	HierarchyGroupID   string            `json:"HierarchyGroupId,omitempty"`
	Tags               map[string]string `json:"Tags,omitempty"`
	LastModifiedTime   epochSeconds      `json:"LastModifiedTime"`
	LastModifiedRegion string            `json:"LastModifiedRegion"`
}

type describeUserOutput struct {
	User wireUser `json:"User"`
}

type createUserInput struct {
	Username           string            `json:"Username"`
	Password           string            `json:"Password"`
	IdentityInfo       *wireIdentityInfo `json:"IdentityInfo"`
	PhoneConfig        *wirePhoneConfig  `json:"PhoneConfig"`
	DirectoryUserID    string            `json:"DirectoryUserId"`
	SecurityProfileIDs []string          `json:"SecurityProfileIds"`
	RoutingProfileID   string            `json:"RoutingProfileId"`
	HierarchyGroupID   string            `json:"HierarchyGroupId"`
	Tags               map[string]string `json:"Tags"`
}

type createUserOutput struct {
	UserArn string `json:"UserArn"`
	UserID  string `json:"UserId"`
}

type searchUsersInput struct {
	InstanceID     string              `json:"InstanceId"`
	MaxResults     *int                `json:"MaxResults"`
	NextToken      string              `json:"NextToken"`
	SearchCriteria *userSearchCriteria `json:"SearchCriteria"`
	SearchFilter   json.RawMessage     `json:"SearchFilter"`
}

type userSearchCriteria struct {
	AndConditions           []userSearchCriteria `json:"AndConditions"`
	OrConditions            []userSearchCriteria `json:"OrConditions"`
	StringCondition         *stringCondition     `json:"StringCondition"`
	HierarchyGroupCondition json.RawMessage      `json:"HierarchyGroupCondition"`
	ListCondition           json.RawMessage      `json:"ListCondition"`
}

type stringCondition struct {
	FieldName      string `json:"FieldName"`
	Value          string `json:"Value"`
	ComparisonType string `json:"ComparisonType"`
}

type wireUserSearchSummary struct {
	Arn                string                `json:"Arn"`
	ID                 string                `json:"Id"`
	Username           string                `json:"Username"`
	IdentityInfo       *wireIdentityInfoLite `json:"IdentityInfo,omitempty"`
	PhoneConfig        *wirePhoneConfig      `json:"PhoneConfig,omitempty"`
	SecurityProfileIDs []string              `json:"SecurityProfileIds"`
	RoutingProfileID   string                `json:"RoutingProfileId"`
	HierarchyGroupID   string                `json:"HierarchyGroupId,omitempty"`
	Tags               map[string]string     `json:"Tags,omitempty"`
}

type searchUsersOutput struct {
	Users                 []wireUserSearchSummary `json:"Users"`
	NextToken             string                  `json:"NextToken,omitempty"`
	ApproximateTotalCount int64                   `json:"ApproximateTotalCount"`
}

type wireQuickConnectSummary struct {
	Arn                string       `json:"Arn"`
	ID                 string       `json:"Id"`
	Name               string       `json:"Name"`
	QuickConnectType   string       `json:"QuickConnectType"`
	LastModifiedTime   epochSeconds `json:"LastModifiedTime"`
	LastModifiedRegion string       `json:"LastModifiedRegion"`
}

type listQuickConnectsOutput struct {
	QuickConnectSummaryList []wireQuickConnectSummary `json:"QuickConnectSummaryList"`
	NextToken               string                    `json:"NextToken,omitempty"`
}

type wireUserQuickConnectConfig struct {
	UserID        string `json:"UserId"`
	ContactFlowID string `json:"ContactFlowId"`
}

type wireQueueQuickConnectConfig struct {
	QueueID       string `json:"QueueId"`
	ContactFlowID string `json:"ContactFlowId"`
}

type wirePhoneNumberQuickConnectConfig struct {
	PhoneNumber string `json:"PhoneNumber"`
}

type wireFlowQuickConnectConfig struct {
	ContactFlowID string `json:"ContactFlowId"`
}

type wireQuickConnectConfig struct {
	QuickConnectType string                             `json:"QuickConnectType"`
	UserConfig       *wireUserQuickConnectConfig        `json:"UserConfig,omitempty"`
	QueueConfig      *wireQueueQuickConnectConfig       `json:"QueueConfig,omitempty"`
	PhoneConfig      *wirePhoneNumberQuickConnectConfig `json:"PhoneConfig,omitempty"`
	FlowConfig       *wireFlowQuickConnectConfig        `json:"FlowConfig,omitempty"`
}

type wireQuickConnect struct {
	QuickConnectARN    string                 `json:"QuickConnectARN"`
	QuickConnectID     string                 `json:"QuickConnectId"`
	Name               string                 `json:"Name"`
	Description        string                 `json:"Description,omitempty"`
	QuickConnectConfig wireQuickConnectConfig `json:"QuickConnectConfig"`
	Tags               map[string]string      `json:"Tags,omitempty"`
	LastModifiedTime   epochSeconds           `json:"LastModifiedTime"`
	LastModifiedRegion string                 `json:"LastModifiedRegion"`
}

type describeQuickConnectOutput struct {
	QuickConnect wireQuickConnect `json:"QuickConnect"`
}

type createQuickConnectInput struct {
	Name               string                  `json:"Name"`
	Description        string                  `json:"Description"`
	QuickConnectConfig *wireQuickConnectConfig `json:"QuickConnectConfig"`
	Tags               map[string]string       `json:"Tags"`
}

type createQuickConnectOutput struct {
	QuickConnectARN string `json:"QuickConnectARN"`
	QuickConnectID  string `json:"QuickConnectId"`
}

type updateQuickConnectConfigInput struct {
	QuickConnectConfig *wireQuickConnectConfig `json:"QuickConnectConfig"`
}

// Conversions between the stored types and the wire.

func (u *User) summary(region string) wireUserSummary {
	return wireUserSummary{Arn: u.ARN, ID: u.ID, Username: u.Username,
		LastModifiedTime: epochSeconds(u.LastModifiedTime), LastModifiedRegion: region}
}

func (u *User) wire(region string) wireUser {
	w := wireUser{
		Arn: u.ARN, ID: u.ID, Username: u.Username,
		PhoneConfig:        u.PhoneConfig.wire(),
		SecurityProfileIDs: u.SecurityProfileIDs, RoutingProfileID: u.RoutingProfileID,
		HierarchyGroupID: u.HierarchyGroupID, Tags: u.Tags,
		LastModifiedTime: epochSeconds(u.LastModifiedTime), LastModifiedRegion: region,
	}
	if u.IdentityInfo != (IdentityInfo{}) {
		w.IdentityInfo = &wireIdentityInfo{FirstName: u.IdentityInfo.FirstName, LastName: u.IdentityInfo.LastName, Email: u.IdentityInfo.Email}
	}
	return w
}

func (u *User) searchSummary() wireUserSearchSummary {
	w := wireUserSearchSummary{
		Arn: u.ARN, ID: u.ID, Username: u.Username,
		PhoneConfig:        u.PhoneConfig.wire(),
		SecurityProfileIDs: u.SecurityProfileIDs, RoutingProfileID: u.RoutingProfileID,
		HierarchyGroupID: u.HierarchyGroupID, Tags: u.Tags,
	}
	if u.IdentityInfo.FirstName != "" || u.IdentityInfo.LastName != "" {
		w.IdentityInfo = &wireIdentityInfoLite{FirstName: u.IdentityInfo.FirstName, LastName: u.IdentityInfo.LastName}
	}
	return w
}

func (p PhoneConfig) wire() *wirePhoneConfig {
	return &wirePhoneConfig{PhoneType: p.PhoneType, AutoAccept: p.AutoAccept,
		AfterContactWorkTimeLimit: p.AfterContactWorkTimeLimit, DeskPhoneNumber: p.DeskPhoneNumber}
}

func (q *QuickConnect) summary(region string) wireQuickConnectSummary {
	return wireQuickConnectSummary{Arn: q.ARN, ID: q.ID, Name: q.Name, QuickConnectType: q.Type,
		LastModifiedTime: epochSeconds(q.LastModifiedTime), LastModifiedRegion: region}
}

func (q *QuickConnect) wire(region string) wireQuickConnect {
	return wireQuickConnect{
		QuickConnectARN: q.ARN, QuickConnectID: q.ID, Name: q.Name, Description: q.Description,
		QuickConnectConfig: q.wireConfig(), Tags: q.Tags,
		LastModifiedTime: epochSeconds(q.LastModifiedTime), LastModifiedRegion: region,
	}
}

func (q *QuickConnect) wireConfig() wireQuickConnectConfig {
	c := wireQuickConnectConfig{QuickConnectType: q.Type}
	switch q.Type {
	case QuickConnectUser:
		c.UserConfig = &wireUserQuickConnectConfig{UserID: q.UserID, ContactFlowID: q.ContactFlowID}
	case QuickConnectQueue:
		c.QueueConfig = &wireQueueQuickConnectConfig{QueueID: q.QueueID, ContactFlowID: q.ContactFlowID}
	case QuickConnectPhoneNumber:
		c.PhoneConfig = &wirePhoneNumberQuickConnectConfig{PhoneNumber: q.PhoneNumber}
	case QuickConnectFlow:
		c.FlowConfig = &wireFlowQuickConnectConfig{ContactFlowID: q.ContactFlowID}
	}
	return c
}

// setConfig copies a wire config into q's target fields.
func (q *QuickConnect) setConfig(c *wireQuickConnectConfig) {
	q.Type = c.QuickConnectType
	q.UserID, q.QueueID, q.ContactFlowID, q.PhoneNumber = "", "", "", ""
	if c.UserConfig != nil {
		q.UserID, q.ContactFlowID = c.UserConfig.UserID, c.UserConfig.ContactFlowID
	}
	if c.QueueConfig != nil {
		q.QueueID, q.ContactFlowID = c.QueueConfig.QueueID, c.QueueConfig.ContactFlowID
	}
	if c.PhoneConfig != nil {
		q.PhoneNumber = c.PhoneConfig.PhoneNumber
	}
	if c.FlowConfig != nil {
		q.ContactFlowID = c.FlowConfig.ContactFlowID
	}
}
