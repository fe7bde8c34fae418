package sfid

// KeyPrefix is the first three characters of an id, which name the object
// (sObject type) the record belongs to. Standard objects share their prefix
// across all orgs.
type KeyPrefix string

// The key prefixes routemap works with.
const (
	PrefixUser         KeyPrefix = "005"
	PrefixGroup        KeyPrefix = "00G"
	PrefixCallCenter   KeyPrefix = "04v"
	PrefixOrganization KeyPrefix = "00D"
	// PrefixRoutingMap is the prefix routemap's server gives
	// CallCenterRoutingMap records. Salesforce does not publish the real
	// one; clients must never rely on it (see docs/ids.md).
	PrefixRoutingMap KeyPrefix = "0Rm"
	// PrefixBulkJob is the prefix of Bulk API job ids.
	PrefixBulkJob KeyPrefix = "750"
	// PrefixConnectedApp is the prefix routemap's server gives connected
	// applications (the client-credentials and JWT clients).
	PrefixConnectedApp KeyPrefix = "0H4"
)

// objects names the objects behind well-known prefixes. Besides the ones
// routemap stores, it lists those admins most often paste by mistake, so an
// error can say "003 is a Contact" rather than "wrong prefix".
var objects = map[KeyPrefix]string{
	PrefixUser:         "User",
	PrefixGroup:        "Group",
	PrefixCallCenter:   "CallCenter",
	PrefixOrganization: "Organization",
	PrefixRoutingMap:   "CallCenterRoutingMap",
	PrefixBulkJob:      "Bulk API job",
	PrefixConnectedApp: "ConnectedApplication",
	"001":              "Account",
	"003":              "Contact",
	"006":              "Opportunity",
	"00Q":              "Lead",
	"500":              "Case",
	"00T":              "Task",
	"00U":              "Event",
	"00E":              "UserRole",
	"00e":              "Profile",
	"0PS":              "PermissionSet",
	"015":              "Document",
	"01p":              "ApexClass",
	"707":              "AsyncApexJob",
}

// Object returns the name of the object the prefix belongs to, or "" when
// the prefix is not one routemap knows.
func (p KeyPrefix) Object() string { return objects[p] }

// String returns the three characters.
func (p KeyPrefix) String() string { return string(p) }
