package localconnect

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Limits on user fields, from the CreateUser API reference.
const (
	maxUsernameLen         = 100
	maxSecurityProfiles    = 10
	maxTags                = 50
	maxAfterContactWorkSec = 2000000
)

// CreateUsers creates users in an instance (its id or ARN), all or none,
// writing the state file once. A zero ID gets a random UUID; ARN and
// LastModifiedTime are the server's; an empty PhoneConfig.PhoneType means
// SOFT_PHONE. Errors: ResourceNotFoundException for an unknown instance,
// InvalidParameterException for a malformed field,
// DuplicateResourceException for a username or id in use.
func (s *Server) CreateUsers(instance string, users []User) ([]User, error) {
	return createAll(s, instance, users, s.insertUser, (*instanceState).removeUser)
}

// CreateUser creates one user; see CreateUsers.
func (s *Server) CreateUser(instance string, u User) (User, error) {
	return createOne(s.CreateUsers, instance, u)
}

// insertUser validates u and adds it to the instance. The caller holds
// s.mu and saves.
func (s *Server) insertUser(is *instanceState, u User, now time.Time) (*User, *Error) {
	if u.ID == "" {
		u.ID = newUUID()
	} else if !validID(u.ID) {
		return nil, errInvalidParameter("user id %q is not a valid id", u.ID)
	}
	if u.PhoneConfig.PhoneType == "" {
		u.PhoneConfig.PhoneType = PhoneTypeSoftPhone
	}
	if e := validateUser(&u); e != nil {
		return nil, e
	}
	if _, ok := is.users[u.ID]; ok {
		return nil, errDuplicate("a user with id %s exists", u.ID)
	}
	if _, ok := is.usernames[strings.ToLower(u.Username)]; ok {
		return nil, errDuplicate("User with username %s already exists", u.Username)
	}
	u.ARN = is.ARN + "/agent/" + u.ID
	u.LastModifiedTime = stamp(now, time.Time{})
	u.SecurityProfileIDs = slices.Clone(u.SecurityProfileIDs)
	u.Tags = maps.Clone(u.Tags)
	p := &u
	is.addUser(p)
	return p, nil
}

func validateUser(u *User) *Error {
	switch {
	case u.Username == "" || len(u.Username) > maxUsernameLen || !validUsername(u.Username):
		return errInvalidParameter("Username %q must be 1 to %d characters from a-z A-Z 0-9 _ - . @", u.Username, maxUsernameLen)
	case len(u.SecurityProfileIDs) < 1 || len(u.SecurityProfileIDs) > maxSecurityProfiles:
		return errInvalidParameter("SecurityProfileIds must hold 1 to %d ids", maxSecurityProfiles)
	case u.RoutingProfileID == "" || !validID(u.RoutingProfileID):
		return errInvalidParameter("RoutingProfileId %q is not a valid id", u.RoutingProfileID)
	case u.PhoneConfig.PhoneType != PhoneTypeSoftPhone && u.PhoneConfig.PhoneType != PhoneTypeDeskPhone:
		return errInvalidParameter("PhoneConfig.PhoneType %q must be SOFT_PHONE or DESK_PHONE", u.PhoneConfig.PhoneType)
	case u.PhoneConfig.PhoneType == PhoneTypeDeskPhone && !validPhoneNumber(u.PhoneConfig.DeskPhoneNumber):
		return errInvalidParameter("PhoneConfig.DeskPhoneNumber %q must be an E.164 number for a DESK_PHONE", u.PhoneConfig.DeskPhoneNumber)
	case u.PhoneConfig.AfterContactWorkTimeLimit < 0 || u.PhoneConfig.AfterContactWorkTimeLimit > maxAfterContactWorkSec:
		return errInvalidParameter("PhoneConfig.AfterContactWorkTimeLimit must be 0 to %d seconds", maxAfterContactWorkSec)
	case len(u.Tags) > maxTags:
		return errInvalidParameter("a user has at most %d tags", maxTags)
	case u.HierarchyGroupID != "" && !validID(u.HierarchyGroupID):
		return errInvalidParameter("HierarchyGroupId %q is not a valid id", u.HierarchyGroupID)
	}
	for _, id := range u.SecurityProfileIDs {
		if !validID(id) {
			return errInvalidParameter("security profile id %q is not a valid id", id)
		}
	}
	return nil
}

// listUsers is ListUsers: GET /users-summary/{InstanceId}?maxResults=&nextToken=.
func (s *Server) listUsers(r *request) (any, *Error) {
	max, e := parseMaxResults(r.query.Get("maxResults"), r.query.Has("maxResults"), maxListResults)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is, e := s.lookupInstance(r.params[0])
	if e != nil {
		return nil, e
	}
	ids, next, e := pageOf("ListUsers", is.sortedUsers(), r.query.Get("nextToken"), max, nil)
	if e != nil {
		return nil, e
	}
	out := listUsersOutput{UserSummaryList: make([]wireUserSummary, 0, len(ids)), NextToken: next}
	for _, id := range ids {
		out.UserSummaryList = append(out.UserSummaryList, is.users[id].summary(is.Region))
	}
	return out, nil
}

// describeUser is DescribeUser: GET /users/{InstanceId}/{UserId}.
func (s *Server) describeUser(r *request) (any, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is, u, e := s.lookupUser(r.params[0], r.params[1])
	if e != nil {
		return nil, e
	}
	return describeUserOutput{User: u.wire(is.Region)}, nil
}

// createUser is CreateUser: PUT /users/{InstanceId}.
func (s *Server) createUser(r *request) (any, *Error) {
	var in createUserInput
	if e := r.decode(&in); e != nil {
		return nil, e
	}
	u := User{
		Username:           in.Username,
		SecurityProfileIDs: in.SecurityProfileIDs,
		RoutingProfileID:   in.RoutingProfileID,
		HierarchyGroupID:   in.HierarchyGroupID,
		Tags:               in.Tags,
	}
	if in.IdentityInfo != nil {
		u.IdentityInfo = IdentityInfo{FirstName: in.IdentityInfo.FirstName, LastName: in.IdentityInfo.LastName, Email: in.IdentityInfo.Email}
	}
	if in.PhoneConfig != nil {
		u.PhoneConfig = PhoneConfig{PhoneType: in.PhoneConfig.PhoneType, AutoAccept: in.PhoneConfig.AutoAccept,
			AfterContactWorkTimeLimit: in.PhoneConfig.AfterContactWorkTimeLimit, DeskPhoneNumber: in.PhoneConfig.DeskPhoneNumber}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is, e := s.lookupInstance(r.params[0])
	if e != nil {
		return nil, e
	}
	p, e := s.insertUser(is, u, r.now)
	if e != nil {
		return nil, e
	}
	if e := s.saveOrFail(); e != nil {
		is.removeUser(p)
		return nil, e
	}
	return createUserOutput{UserArn: p.ARN, UserID: p.ID}, nil
}

// deleteUser is DeleteUser: DELETE /users/{InstanceId}/{UserId}. Quick
// connects that target the user stay, as in Amazon Connect.
func (s *Server) deleteUser(r *request) (any, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is, u, e := s.lookupUser(r.params[0], r.params[1])
	if e != nil {
		return nil, e
	}
	is.removeUser(u)
	if e := s.saveOrFail(); e != nil {
		is.addUser(u)
		return nil, e
	}
	return nil, nil
}

// lookupUser finds an instance and one of its users. The caller holds
// s.mu.
func (s *Server) lookupUser(instance, userID string) (*instanceState, *User, *Error) {
	is, e := s.lookupInstance(instance)
	if e != nil {
		return nil, nil, e
	}
	u, ok := is.users[userID]
	if !ok {
		return nil, nil, errNotFound("User not found for UserId: %s", userID)
	}
	return is, u, nil
}

// stamp returns a LastModifiedTime for a change at now: UTC, millisecond
// precision as on the wire, and later than the previous one, so a client
// that caches by LastModifiedTime always sees a change.
func stamp(now, previous time.Time) time.Time {
	t := now.UTC().Truncate(time.Millisecond)
	if !previous.IsZero() && !t.After(previous) {
		t = previous.Add(time.Millisecond)
	}
	return t
}

// validID accepts Amazon Connect resource ids: 1 to 256 characters from
// letters, digits, '-' and '_'.
func validID(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validUsername accepts the CreateUser username alphabet
// [a-zA-Z0-9_.@-]. Service Cloud Voice usernames (alias@userid@orgid) fit.
func validUsername(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '-' || c == '_' || c == '.' || c == '@' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validPhoneNumber accepts E.164 numbers: '+' then 2 to 15 digits, the
// first not 0.
func validPhoneNumber(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
