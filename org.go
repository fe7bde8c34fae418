package routemap

import (
	"strings"
	"time"

	"routemap/sfid"
)

// Org is a tenant: a Salesforce organization. Every other record belongs
// to exactly one org, and nothing is visible across orgs.
type Org struct {
	ID   sfid.ID
	Name string
	// DailyRequestLimit is the API requests the org may make in a day;
	// 0 means the server's default.
	DailyRequestLimit int
	CreatedDate       time.Time
}

// Permission is one grant a user holds. Object permissions on
// CallCenterRoutingMap follow Salesforce's implications: Edit implies Read,
// Create implies Read, Delete implies Edit.
type Permission uint32

// Permissions a user can hold.
const (
	PermReadRoutingMap Permission = 1 << iota
	PermCreateRoutingMap
	PermEditRoutingMap
	PermDeleteRoutingMap
	// PermManageCallCenters allows adding users to and removing them from
	// contact centers, and managing contact centers.
	PermManageCallCenters
	// PermManageUsers allows creating and changing users.
	PermManageUsers
	// PermAPIEnabled allows the user to call the API at all.
	PermAPIEnabled
)

var permNames = []struct {
	p    Permission
	name string
}{
	{PermReadRoutingMap, "read"},
	{PermCreateRoutingMap, "create"},
	{PermEditRoutingMap, "edit"},
	{PermDeleteRoutingMap, "delete"},
	{PermManageCallCenters, "manage_call_centers"},
	{PermManageUsers, "manage_users"},
	{PermAPIEnabled, "api"},
}

// Permissions is a set of Permission.
type Permissions uint32

// AdminPermissions is what the demo admin and `routemap admin user --admin` grant.
const AdminPermissions = Permissions(PermReadRoutingMap | PermCreateRoutingMap | PermEditRoutingMap |
	PermDeleteRoutingMap | PermManageCallCenters | PermManageUsers | PermAPIEnabled)

// Has reports whether the set holds p, counting implied permissions.
func (s Permissions) Has(p Permission) bool { return Permission(s.Normalize())&p != 0 }

// Normalize adds the permissions the held ones imply.
func (s Permissions) Normalize() Permissions {
	p := Permission(s)
	if p&PermDeleteRoutingMap != 0 {
		p |= PermEditRoutingMap
	}
	if p&(PermEditRoutingMap|PermCreateRoutingMap) != 0 {
		p |= PermReadRoutingMap
	}
	return Permissions(p)
}

// String lists the permissions as comma-separated names.
func (s Permissions) String() string {
	var names []string
	for _, n := range permNames {
		if Permission(s)&n.p != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// ParsePermissions reads a comma-separated list of names: read, create,
// edit, delete, manage_call_centers, manage_users, api; "admin" means all.
func ParsePermissions(s string) (Permissions, error) {
	var out Permissions
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if name == "admin" {
			out |= AdminPermissions
			continue
		}
		found := false
		for _, n := range permNames {
			if n.name == name {
				out |= Permissions(n.p)
				found = true
			}
		}
		if !found {
			return 0, Errorf(EINVALID, "unknown permission %q: use read, create, edit, delete, manage_call_centers, manage_users, api or admin", name)
		}
	}
	return out, nil
}

// User is a Salesforce user. A user belongs to at most one contact center
// (CallCenterID); only members can be mapped to telephony users.
type User struct {
	ID           sfid.ID
	OrgID        sfid.ID
	Username     string // unique across all orgs, like Salesforce
	Alias        string // at most 8 characters
	Email        string
	FirstName    string
	LastName     string
	IsActive     bool
	CallCenterID sfid.ID // zero when the user is in no contact center
	Permissions  Permissions
	// PasswordHash is a bcrypt hash; empty means the user cannot log in
	// with a password.
	PasswordHash     string
	CreatedDate      time.Time
	LastModifiedDate time.Time
}

// Name is the user's full name as Salesforce composes it.
func (u *User) Name() string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// UserUpdate lists changes to a user; nil fields are left alone. A
// CallCenterID pointing at the zero ID removes the user from their
// contact center.
type UserUpdate struct {
	CallCenterID *sfid.ID
	IsActive     *bool
	Alias        *string
	Email        *string
	FirstName    *string
	LastName     *string
	Permissions  *Permissions
	PasswordHash *string
}

// CallCenter is a Service Cloud Voice contact center, with the telephony
// settings routemap needs to judge its routing maps.
type CallCenter struct {
	ID           sfid.ID
	OrgID        sfid.ID
	Name         string
	InternalName string
	Provider     Provider
	// ConnectInstanceARN is the Amazon Connect instance behind the contact
	// center (Amazon Connect providers only).
	ConnectInstanceARN string
	// UsernameTemplate is the SSO roleSessionName format used to name
	// telephony users, e.g. "{Alias}@{UserId15}@{OrgId15}".
	UsernameTemplate string
	CreatedDate      time.Time
}

// Rules returns the rules Check applies to this contact center's maps.
func (c *CallCenter) Rules() Rules {
	r := Rules{Provider: c.Provider, CallCenterID: c.ID}
	if a, err := ParseConnectARN(c.ConnectInstanceARN); err == nil {
		r.Instance = a.Instance()
	}
	return r
}

// DefaultUsernameTemplate is the SSO username format of non-government
// orgs: $User.Alias@$User.Id@$Organization.Id.
const DefaultUsernameTemplate = "{Alias}@{UserId15}@{OrgId15}"

// Group is a Salesforce group; queues (Type "Queue") can be mapped to
// telephony queues.
type Group struct {
	ID            sfid.ID
	OrgID         sfid.ID
	Name          string
	DeveloperName string
	Type          string // "Queue", "Regular", "ContactCenterGroup"
	CreatedDate   time.Time
}

// ConnectedApp is an OAuth client of an org: the client-credentials flow
// runs as RunAsUserID; the password flow lets any user of the org log in
// through it.
type ConnectedApp struct {
	ID       sfid.ID
	OrgID    sfid.ID
	Name     string
	ClientID string // the consumer key, public
	// SecretHash is a bcrypt hash of the consumer secret.
	SecretHash  string
	RunAsUserID sfid.ID
	// CertificatePEM holds the public key or certificate that verifies
	// JWT bearer assertions; empty disables that flow.
	CertificatePEM string
	CreatedDate    time.Time
}

// Session is an issued access token. Only a hash of the token is stored.
type Session struct {
	TokenHash string // hex SHA-256 of the access token
	OrgID     sfid.ID
	UserID    sfid.ID
	AppID     sfid.ID // zero for tokens minted by `routemap token`
	IssuedAt  time.Time
	ExpiresAt time.Time
}
