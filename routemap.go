// Package routemap is the domain of routemap: the CallCenterRoutingMap record
// that maps a Salesforce user (or queue) to a telephony user, the rules that
// record must follow (from the Service Cloud Voice help article and the
// Salesforce object reference), the error and problem types every layer
// shares, and the interfaces the adapters implement.
//
// Nothing here does I/O, logs or holds package state. Ids come from the sfid
// package; every other package in the module imports this one, and only
// cmd/routemap wires concrete adapters together.
package routemap

import (
	"time"

	"routemap/sfid"
)

// Field names of CallCenterRoutingMap, spelled as the Salesforce API spells
// them. They are the CSV column names and the JSON keys on the wire.
const (
	FieldID                = "Id"
	FieldExternalID        = "ExternalId"
	FieldReferenceRecordID = "ReferenceRecordId"
	FieldCallCenterID      = "CallCenterId"
	FieldDeveloperName     = "DeveloperName"
	FieldQuickConnect      = "QuickConnect"
	FieldMasterLabel       = "MasterLabel"
	FieldLanguage          = "Language"
)

// Maximum lengths, in characters, from the CallCenterRoutingMap field reference.
const (
	MaxExternalID    = 255
	MaxDeveloperName = 80
	MaxMasterLabel   = 80
	MaxQuickConnect  = 255
	MaxLanguage      = 40
)

// DefaultLanguage is the Language a routing map gets when none is given,
// the language of a default org.
const DefaultLanguage = "en_US"

// RoutingMap is one CallCenterRoutingMap record: the telephony user
// (ExternalID) that a Salesforce user or queue (ReferenceRecordID) is in a
// contact center (CallCenterID). A rep without one receives no calls.
type RoutingMap struct {
	ID                sfid.ID `json:"Id,omitempty"`
	ExternalID        string  `json:"ExternalId"`
	ReferenceRecordID sfid.ID `json:"ReferenceRecordId"`
	CallCenterID      sfid.ID `json:"CallCenterId"`
	DeveloperName     string  `json:"DeveloperName"`
	QuickConnect      string  `json:"QuickConnect,omitempty"`
	MasterLabel       string  `json:"MasterLabel"`
	Language          string  `json:"Language,omitempty"`

	// System fields, set by the store.
	CreatedDate      time.Time `json:"-"`
	CreatedByID      sfid.ID   `json:"-"`
	LastModifiedDate time.Time `json:"-"`
	LastModifiedByID sfid.ID   `json:"-"`
	IsDeleted        bool      `json:"-"`
}

// IsUserMap reports whether the map is for a user (rather than a queue or group).
func (m *RoutingMap) IsUserMap() bool { return m.ReferenceRecordID.Prefix() == sfid.PrefixUser }

// Draft returns the map's writable fields as text, the form Check takes.
func (m *RoutingMap) Draft() Draft {
	return Draft{
		ID:                string(m.ID),
		ExternalID:        m.ExternalID,
		ReferenceRecordID: string(m.ReferenceRecordID),
		CallCenterID:      string(m.CallCenterID),
		DeveloperName:     m.DeveloperName,
		QuickConnect:      m.QuickConnect,
		MasterLabel:       m.MasterLabel,
		Language:          m.Language,
	}
}

// Provider is the kind of telephony behind a contact center. It decides what
// ExternalId and QuickConnect must hold.
type Provider string

// The telephony models of Service Cloud Voice.
const (
	// ProviderAuto infers the rules from each row: an ARN in ExternalId
	// means Amazon Connect, anything else partner telephony.
	ProviderAuto Provider = ""
	// ProviderAmazonConnect is Service Cloud Voice with Amazon Connect:
	// ExternalId is the agent ARN, QuickConnect the agent's quick connect.
	ProviderAmazonConnect Provider = "amazon-connect"
	// ProviderPartner is Service Cloud Voice with Partner Telephony:
	// ExternalId is the partner's username and there is no QuickConnect.
	ProviderPartner Provider = "partner"
	// ProviderPartnerFromAmazonConnect is Partner Telephony from Amazon
	// Connect, the customer's own Connect instance: ExternalId is an agent
	// ARN or a username, and QuickConnect is allowed.
	ProviderPartnerFromAmazonConnect Provider = "partner-from-amazon-connect"
)

// ParseProvider accepts the names above ("auto" or "" for ProviderAuto).
func ParseProvider(s string) (Provider, error) {
	switch p := Provider(s); p {
	case ProviderAmazonConnect, ProviderPartner, ProviderPartnerFromAmazonConnect:
		return p, nil
	case "", "auto":
		return ProviderAuto, nil
	}
	return "", Errorf(EINVALID, "unknown provider %q: use amazon-connect, partner or partner-from-amazon-connect", s)
}
