package localconnect

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"slices"
	"strings"

	"routemap"
)

// CreateInstance creates an Amazon Connect instance. Zero fields are
// filled in: ID with a random UUID, Region with the server's region,
// Account with DefaultAccount. ARN and CreatedTime are always the
// server's. Errors: InvalidParameterException for a malformed field,
// DuplicateResourceException for an id in use.
func (s *Server) CreateInstance(in Instance) (Instance, error) {
	if in.ID == "" {
		in.ID = newUUID()
	}
	if in.Region == "" {
		in.Region = s.region
	}
	if in.Account == "" {
		in.Account = DefaultAccount
	}
	switch {
	case !routemap.IsUUID(in.ID):
		return Instance{}, errInvalidParameter("instance id %q is not a UUID", in.ID)
	case !validRegion(in.Region):
		return Instance{}, errInvalidParameter("region %q is not a region name", in.Region)
	case len(in.Account) != 12 || strings.Trim(in.Account, "0123456789") != "":
		return Instance{}, errInvalidParameter("account %q is not 12 digits", in.Account)
	case len(in.Alias) > 62:
		return Instance{}, errInvalidParameter("instance alias %q is longer than 62 characters", in.Alias)
	}
	in.ARN = instanceARN(in.Region, in.Account, in.ID)

	s.mu.Lock()
	defer s.mu.Unlock()
	in.CreatedTime = s.now().UTC()
	if _, ok := s.st.instances[in.ID]; ok {
		return Instance{}, errDuplicate("instance %s exists", in.ID)
	}
	s.st.instances[in.ID] = newInstanceState(in)
	if err := s.save(); err != nil {
		delete(s.st.instances, in.ID)
		return Instance{}, err
	}
	return in, nil
}

// Instances returns every instance, sorted by id.
func (s *Server) Instances() []Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Instance, 0, len(s.st.instances))
	for _, id := range sortedKeys(s.st.instances) {
		out = append(out, s.st.instances[id].Instance)
	}
	return out
}

// IssueAccessKey creates an access key pair the server accepts in
// signatures: an id like AKIA… (20 characters) and a 40-character secret,
// the shapes of AWS's long-term keys. deny names operations the key may
// not call (see AccessKey.Deny).
func (s *Server) IssueAccessKey(deny ...string) (AccessKey, error) {
	var idBytes [10]byte
	var secretBytes [30]byte
	rand.Read(idBytes[:])
	rand.Read(secretBytes[:])
	k := AccessKey{
		ID:     "AKIA" + base32.StdEncoding.EncodeToString(idBytes[:]),
		Secret: base64.StdEncoding.EncodeToString(secretBytes[:]),
		Deny:   slices.Clone(deny),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k.CreatedTime = s.now().UTC()
	s.st.keys[k.ID] = k
	if err := s.save(); err != nil {
		delete(s.st.keys, k.ID)
		return AccessKey{}, err
	}
	return k, nil
}

// RevokeAccessKey deletes an access key; requests signed with it fail
// from then on. Errors: ResourceNotFoundException for an unknown key.
func (s *Server) RevokeAccessKey(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.st.keys[id]
	if !ok {
		return errNotFound("access key %s not found", id)
	}
	delete(s.st.keys, id)
	if err := s.save(); err != nil {
		s.st.keys[id] = k
		return err
	}
	return nil
}

// lookupInstance finds an instance by id or ARN, the two forms Amazon
// Connect accepts as InstanceId. The caller holds s.mu.
func (s *Server) lookupInstance(idOrARN string) (*instanceState, *Error) {
	id := idOrARN
	if strings.HasPrefix(idOrARN, "arn:") {
		a, err := routemap.ParseConnectARN(idOrARN)
		if err != nil || a.Resource != "" {
			return nil, errInvalidParameter("InstanceId %q is neither an instance id nor an instance ARN", idOrARN)
		}
		id = a.InstanceID
		if is, ok := s.st.instances[id]; ok && is.ARN != a.String() {
			return nil, errNotFound("Instance not found: %s", idOrARN)
		}
	}
	is, ok := s.st.instances[id]
	if !ok {
		return nil, errNotFound("Instance not found: %s", idOrARN)
	}
	return is, nil
}
