package routemap

import "strings"

// sObject names routemap serves.
const (
	ObjectRoutingMap   = "CallCenterRoutingMap"
	ObjectUser         = "User"
	ObjectCallCenter   = "CallCenter"
	ObjectGroup        = "Group"
	ObjectOrganization = "Organization"
	// ObjectPolymorphicName is Salesforce's "Name" pseudo-object: the
	// fields a polymorphic relationship (a reference to one of several
	// objects, such as CallCenterRoutingMap.ReferenceRecord) offers in
	// SOQL, whichever object the parent turns out to be. It is not an
	// sObject: it has no records, no describe and cannot be queried.
	ObjectPolymorphicName = "Name"
)

// Field types, as describe names them.
const (
	TypeID        = "id"
	TypeString    = "string"
	TypeReference = "reference"
	TypeBoolean   = "boolean"
	TypeDateTime  = "datetime"
	TypePicklist  = "picklist"
	TypeEmail     = "email"
)

// FieldInfo describes one field of an sObject, as describe reports it and
// as SOQL and the write paths check it.
type FieldInfo struct {
	Name               string
	Label              string
	Type               string
	Length             int
	Nillable           bool
	Createable         bool
	Updateable         bool
	Filterable         bool
	Sortable           bool
	Groupable          bool
	Unique             bool
	CaseSensitive      bool
	IDLookup           bool
	ExternalID         bool
	DefaultedOnCreate  bool
	RestrictedPicklist bool
	ReferenceTo        []string
	RelationshipName   string
	// MinVersion is the first API version (e.g. 56.0) that has the field.
	MinVersion float64
}

// ObjectInfo describes one sObject.
type ObjectInfo struct {
	Name        string
	Label       string
	LabelPlural string
	KeyPrefix   string
	Createable  bool
	Updateable  bool
	Deletable   bool
	Fields      []FieldInfo
}

// Field returns the field named name, in any letter case, or nil. Fields
// newer than version are hidden; version 0 shows all.
func (o *ObjectInfo) Field(name string, version float64) *FieldInfo {
	for i := range o.Fields {
		f := &o.Fields[i]
		if strings.EqualFold(f.Name, name) && (version == 0 || f.MinVersion <= version) {
			return f
		}
	}
	return nil
}

// Relationship returns the reference field whose RelationshipName is
// name, in any letter case, or nil. Fields newer than version are hidden;
// version 0 shows all.
func (o *ObjectInfo) Relationship(name string, version float64) *FieldInfo {
	for i := range o.Fields {
		f := &o.Fields[i]
		if f.RelationshipName != "" && strings.EqualFold(f.RelationshipName, name) && (version == 0 || f.MinVersion <= version) {
			return f
		}
	}
	return nil
}

// FieldsAt returns the fields that exist at an API version (0 for all).
func (o *ObjectInfo) FieldsAt(version float64) []FieldInfo {
	out := make([]FieldInfo, 0, len(o.Fields))
	for _, f := range o.Fields {
		if version == 0 || f.MinVersion <= version {
			out = append(out, f)
		}
	}
	return out
}

// Schema is the metadata of every object routemap serves. It is a value
// built fresh by NewSchema, not package state.
type Schema struct {
	Objects []ObjectInfo
	// Polymorphic is the ObjectPolymorphicName pseudo-object, the parent
	// of every relationship whose reference field points at more than one
	// object. Fields that only some of those objects have (a user's Alias
	// for a queue parent) read as null.
	Polymorphic ObjectInfo
}

// Parent returns the object a reference field's relationship leads to:
// the one object of f.ReferenceTo, or &s.Polymorphic when f points at
// several. It returns nil for a field that is no reference and for a
// reference to an object s does not hold.
func (s *Schema) Parent(f *FieldInfo) *ObjectInfo {
	switch {
	case f == nil || f.RelationshipName == "" || len(f.ReferenceTo) == 0:
		return nil
	case len(f.ReferenceTo) > 1:
		return &s.Polymorphic
	}
	return s.Object(f.ReferenceTo[0])
}

// SplitPath splits a field of routemap.Query (see Query.Fields) into its
// relationship name and the field of the parent object. rel is "" for a
// field of the queried object itself.
func SplitPath(path string) (rel, field string) {
	if rel, field, ok := strings.Cut(path, "."); ok {
		return rel, field
	}
	return "", path
}

// Object returns the object named name, in any letter case, or nil.
func (s *Schema) Object(name string) *ObjectInfo {
	for i := range s.Objects {
		if strings.EqualFold(s.Objects[i].Name, name) {
			return &s.Objects[i]
		}
	}
	return nil
}

// Extension fields on CallCenter that hold routemap's telephony settings.
// They use the namespace "routemap" as a managed package would, so no
// client mistakes them for standard fields.
const (
	FieldCallCenterProvider         = "routemap__Provider__c"
	FieldCallCenterConnectInstance  = "routemap__ConnectInstanceArn__c"
	FieldCallCenterUsernameTemplate = "routemap__UsernameTemplate__c"
)

// Values of the Organization fields routemap does not store. Every org is
// reported as a production (not sandbox, no trial end) Enterprise Edition
// org without a namespace prefix, on one instance: what the Salesforce CLI
// reads at login (compat/CLIENTS.md §4.1). Stores and the HTTP layer both
// answer these constants.
const (
	OrgInstanceName = "RM1"
	OrgType         = "Enterprise Edition"
)

// NewSchema returns the metadata of CallCenterRoutingMap, User, CallCenter,
// Group and Organization, and of the Name pseudo-object behind the
// polymorphic CallCenterRoutingMap.ReferenceRecord.
func NewSchema() *Schema {
	id := func() FieldInfo {
		return FieldInfo{Name: "Id", Type: TypeID, Length: 18, Filterable: true, Sortable: true, Groupable: true, IDLookup: true, CaseSensitive: false}
	}
	str := func(name, label string, n int, nillable, writable bool) FieldInfo {
		return FieldInfo{Name: name, Label: label, Type: TypeString, Length: n, Nillable: nillable, Createable: writable, Updateable: writable,
			Filterable: true, Sortable: true, Groupable: true}
	}
	ref := func(name, label, rel string, nillable, writable bool, to ...string) FieldInfo {
		return FieldInfo{Name: name, Label: label, Type: TypeReference, Length: 18, Nillable: nillable, Createable: writable, Updateable: writable,
			Filterable: true, Sortable: true, Groupable: true, ReferenceTo: to, RelationshipName: rel}
	}
	dt := func(name, label string) FieldInfo {
		return FieldInfo{Name: name, Label: label, Type: TypeDateTime, Filterable: true, Sortable: true}
	}
	boolean := func(name, label string, writable bool) FieldInfo {
		return FieldInfo{Name: name, Label: label, Type: TypeBoolean, Createable: writable, Updateable: writable, Filterable: true, Groupable: true, DefaultedOnCreate: true}
	}
	audit := []FieldInfo{
		dt("CreatedDate", "Created Date"),
		ref("CreatedById", "Created By ID", "CreatedBy", false, false, ObjectUser),
		dt("LastModifiedDate", "Last Modified Date"),
		ref("LastModifiedById", "Last Modified By ID", "LastModifiedBy", false, false, ObjectUser),
		dt("SystemModstamp", "System Modstamp"),
	}
	withAudit := func(fs ...FieldInfo) []FieldInfo { return append(fs, audit...) }

	rmID := id()
	rmID.Label = "Call Center Routing Map ID"
	devName := str(FieldDeveloperName, "Call Center Routing Map Name", MaxDeveloperName, false, true)
	devName.Unique, devName.IDLookup = true, true
	lang := FieldInfo{Name: FieldLanguage, Label: "Master Language", Type: TypePicklist, Length: MaxLanguage, Nillable: true,
		Createable: true, Updateable: true, Filterable: true, Sortable: true, Groupable: true, DefaultedOnCreate: true, RestrictedPicklist: true}
	quick := str(FieldQuickConnect, "Quick Connect", MaxQuickConnect, true, true)
	quick.MinVersion = 56.0
	refRec := ref(FieldReferenceRecordID, "ReferenceRecord ID", "ReferenceRecord", false, true, ObjectGroup, ObjectUser)
	cc := ref(FieldCallCenterID, "Call Center ID", "CallCenter", false, true, ObjectCallCenter)

	userID := id()
	userID.Label = "User ID"
	username := str("Username", "Username", 80, false, true)
	username.Unique, username.IDLookup = true, true
	email := str("Email", "Email", 128, false, true)
	email.Type = TypeEmail

	orgTrial := dt("TrialExpirationDate", "Trial Expiration Date")
	orgTrial.Nillable = true

	// The Name pseudo-object: Salesforce's fields for a polymorphic lookup
	// to User or Group. Type is "User" for a user and the group's Type
	// (such as "Queue") for a group.
	polyActive := boolean("IsActive", "Active", false)
	polyActive.DefaultedOnCreate = false
	polyEmail := str("Email", "Email", 128, true, false)
	polyEmail.Type = TypeEmail
	polyType := FieldInfo{Name: "Type", Label: "Type", Type: TypePicklist, Length: 40, Nillable: true, Filterable: true, Sortable: true, Groupable: true}
	poly := ObjectInfo{
		Name: ObjectPolymorphicName, Label: "Name", LabelPlural: "Names",
		Fields: []FieldInfo{id(),
			str("Name", "Name", 121, true, false),
			str("Alias", "Alias", 8, true, false),
			str("Username", "Username", 80, true, false),
			polyEmail,
			str("FirstName", "First Name", 40, true, false),
			str("LastName", "Last Name", 80, true, false),
			polyActive,
			polyType,
		},
	}

	return &Schema{Polymorphic: poly, Objects: []ObjectInfo{
		{
			Name: ObjectRoutingMap, Label: "Call Center Routing Map", LabelPlural: "Call Center Routing Maps",
			KeyPrefix: "0Rm", Createable: true, Updateable: true, Deletable: true,
			Fields: withAudit(rmID,
				FieldInfo{Name: "IsDeleted", Label: "Deleted", Type: TypeBoolean, Filterable: true, Groupable: true, DefaultedOnCreate: true},
				devName, lang,
				str(FieldMasterLabel, "Call Center Routing Map Label", MaxMasterLabel, false, true),
				cc,
				str(FieldExternalID, "External Id", MaxExternalID, false, true),
				refRec, quick),
		},
		{
			Name: ObjectUser, Label: "User", LabelPlural: "Users", KeyPrefix: "005", Createable: false, Updateable: true,
			Fields: withAudit(userID, username,
				str("Alias", "Alias", 8, false, true),
				email,
				str("FirstName", "First Name", 40, true, true),
				str("LastName", "Last Name", 80, false, true),
				str("Name", "Full Name", 121, false, false),
				boolean("IsActive", "Active", true),
				ref("CallCenterId", "Call Center ID", "CallCenter", true, true, ObjectCallCenter)),
		},
		{
			Name: ObjectCallCenter, Label: "Call Center", LabelPlural: "Call Centers", KeyPrefix: "04v",
			Fields: withAudit(id(),
				str("Name", "Call Center Name", 80, false, false),
				str("InternalName", "Internal Name", 80, false, false),
				str(FieldCallCenterProvider, "Telephony Provider", 40, true, false),
				str(FieldCallCenterConnectInstance, "Amazon Connect Instance ARN", 255, true, false),
				str(FieldCallCenterUsernameTemplate, "Telephony Username Format", 255, true, false)),
		},
		{
			Name: ObjectGroup, Label: "Group", LabelPlural: "Groups", KeyPrefix: "00G",
			Fields: withAudit(id(),
				str("Name", "Name", 40, false, false),
				str("DeveloperName", "Developer Name", 80, false, false),
				FieldInfo{Name: "Type", Label: "Type", Type: TypePicklist, Length: 40, Filterable: true, Sortable: true, Groupable: true, RestrictedPicklist: true}),
		},
		{
			Name: ObjectOrganization, Label: "Organization", LabelPlural: "Organizations", KeyPrefix: "00D",
			Fields: withAudit(id(), str("Name", "Name", 80, false, false),
				str("InstanceName", "Instance Name", 5, true, false),
				boolean("IsSandbox", "Is Sandbox", false),
				orgTrial,
				str("NamespacePrefix", "Namespace Prefix", 15, true, false),
				str("OrganizationType", "Edition", 40, false, false)),
		},
	}}
}
