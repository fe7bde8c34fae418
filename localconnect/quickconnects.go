package localconnect

import (
	"maps"
	"strings"
	"time"
)

// Limits on quick connect fields, from the CreateQuickConnect API
// reference.
const (
	maxQuickConnectName        = 127
	maxQuickConnectDescription = 250
)

// CreateQuickConnects creates quick connects in an instance (its id or
// ARN), all or none, writing the state file once. A zero ID gets a random
// UUID; ARN and LastModifiedTime are the server's. A USER quick connect
// needs UserID (a user of the instance) and ContactFlowID, QUEUE needs
// QueueID and ContactFlowID, PHONE_NUMBER an E.164 PhoneNumber, FLOW a
// ContactFlowID. Errors: ResourceNotFoundException for an unknown
// instance or user, InvalidParameterException for a malformed field,
// DuplicateResourceException for a name or id in use.
func (s *Server) CreateQuickConnects(instance string, qcs []QuickConnect) ([]QuickConnect, error) {
	return createAll(s, instance, qcs, insertQuickConnect, (*instanceState).removeQuickConnect)
}

// CreateQuickConnect creates one quick connect; see CreateQuickConnects.
func (s *Server) CreateQuickConnect(instance string, q QuickConnect) (QuickConnect, error) {
	return createOne(s.CreateQuickConnects, instance, q)
}

// insertQuickConnect validates q and adds it to the instance. The caller
// holds the server's mutex and saves.
func insertQuickConnect(is *instanceState, q QuickConnect, now time.Time) (*QuickConnect, *Error) {
	if q.ID == "" {
		q.ID = newUUID()
	} else if !validID(q.ID) {
		return nil, errInvalidParameter("quick connect id %q is not a valid id", q.ID)
	}
	switch {
	case q.Name == "" || len(q.Name) > maxQuickConnectName:
		return nil, errInvalidParameter("Name must be 1 to %d characters", maxQuickConnectName)
	case len(q.Description) > maxQuickConnectDescription:
		return nil, errInvalidParameter("Description is longer than %d characters", maxQuickConnectDescription)
	case len(q.Tags) > maxTags:
		return nil, errInvalidParameter("a quick connect has at most %d tags", maxTags)
	}
	if e := validateTarget(is, &q); e != nil {
		return nil, e
	}
	if _, ok := is.qcs[q.ID]; ok {
		return nil, errDuplicate("a quick connect with id %s exists", q.ID)
	}
	if _, ok := is.qcNames[strings.ToLower(q.Name)]; ok {
		return nil, errDuplicate("Quick connect with name %s already exists", q.Name)
	}
	q.ARN = is.ARN + "/transfer-destination/" + q.ID
	q.LastModifiedTime = stamp(now, time.Time{})
	q.Tags = maps.Clone(q.Tags)
	p := &q
	is.addQuickConnect(p)
	return p, nil
}

// validateTarget checks a quick connect's type and the target fields that
// type needs.
func validateTarget(is *instanceState, q *QuickConnect) *Error {
	switch q.Type {
	case QuickConnectUser:
		if !validID(q.UserID) || !validID(q.ContactFlowID) {
			return errInvalidParameter("a USER quick connect needs UserConfig with UserId and ContactFlowId")
		}
		if _, ok := is.users[q.UserID]; !ok {
			return errNotFound("User not found for UserId: %s", q.UserID)
		}
		q.QueueID, q.PhoneNumber = "", ""
	case QuickConnectQueue:
		if !validID(q.QueueID) || !validID(q.ContactFlowID) {
			return errInvalidParameter("a QUEUE quick connect needs QueueConfig with QueueId and ContactFlowId")
		}
		q.UserID, q.PhoneNumber = "", ""
	case QuickConnectPhoneNumber:
		if !validPhoneNumber(q.PhoneNumber) {
			return errInvalidParameter("a PHONE_NUMBER quick connect needs PhoneConfig with an E.164 PhoneNumber, not %q", q.PhoneNumber)
		}
		q.UserID, q.QueueID, q.ContactFlowID = "", "", ""
	case QuickConnectFlow:
		if !validID(q.ContactFlowID) {
			return errInvalidParameter("a FLOW quick connect needs FlowConfig with ContactFlowId")
		}
		q.UserID, q.QueueID, q.PhoneNumber = "", "", ""
	default:
		return errInvalidParameter("QuickConnectType %q must be USER, QUEUE, PHONE_NUMBER or FLOW", q.Type)
	}
	return nil
}

// checkWireConfig checks that a wire config carries exactly the member its
// type needs.
func checkWireConfig(c *wireQuickConnectConfig) *Error {
	if c == nil {
		return errInvalidParameter("QuickConnectConfig is required")
	}
	want := map[string]bool{
		QuickConnectUser:        c.UserConfig != nil,
		QuickConnectQueue:       c.QueueConfig != nil,
		QuickConnectPhoneNumber: c.PhoneConfig != nil,
		QuickConnectFlow:        c.FlowConfig != nil,
	}
	if _, known := want[c.QuickConnectType]; !known {
		return errInvalidParameter("QuickConnectType %q must be USER, QUEUE, PHONE_NUMBER or FLOW", c.QuickConnectType)
	}
	for typ, present := range want {
		if present != (typ == c.QuickConnectType) {
			return errInvalidParameter("a %s quick connect takes only the config of its type", c.QuickConnectType)
		}
	}
	return nil
}

// listQuickConnects is ListQuickConnects: GET
// /quick-connects/{InstanceId}?maxResults=&nextToken=&QuickConnectTypes=,
// the type filter repeated once per type.
func (s *Server) listQuickConnects(r *request) (any, *Error) {
	max, e := parseMaxResults(r.query.Get("maxResults"), r.query.Has("maxResults"), maxListResults)
	if e != nil {
		return nil, e
	}
	types := map[string]bool{}
	for _, t := range r.query["QuickConnectTypes"] {
		switch t {
		case QuickConnectUser, QuickConnectQueue, QuickConnectPhoneNumber, QuickConnectFlow:
			types[t] = true
		default:
			return nil, errInvalidParameter("QuickConnectTypes %q must be USER, QUEUE, PHONE_NUMBER or FLOW", t)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is, e := s.lookupInstance(r.params[0])
	if e != nil {
		return nil, e
	}
	var keep func(string) bool
	if len(types) > 0 {
		keep = func(id string) bool { return types[is.qcs[id].Type] }
	}
	ids, next, e := pageOf("ListQuickConnects", is.sortedQuickConnects(), r.query.Get("nextToken"), max, keep)
	if e != nil {
		return nil, e
	}
	out := listQuickConnectsOutput{QuickConnectSummaryList: make([]wireQuickConnectSummary, 0, len(ids)), NextToken: next}
	for _, id := range ids {
		out.QuickConnectSummaryList = append(out.QuickConnectSummaryList, is.qcs[id].summary(is.Region))
	}
	return out, nil
}

// describeQuickConnect is DescribeQuickConnect: GET
// /quick-connects/{InstanceId}/{QuickConnectId}.
func (s *Server) describeQuickConnect(r *request) (any, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is, q, e := s.lookupQuickConnect(r.params[0], r.params[1])
	if e != nil {
		return nil, e
	}
	return describeQuickConnectOutput{QuickConnect: q.wire(is.Region)}, nil
}

// createQuickConnect is CreateQuickConnect: PUT /quick-connects/{InstanceId}.
func (s *Server) createQuickConnect(r *request) (any, *Error) {
	var in createQuickConnectInput
	if e := r.decode(&in); e != nil {
		return nil, e
	}
	if e := checkWireConfig(in.QuickConnectConfig); e != nil {
		return nil, e
	}
	q := QuickConnect{Name: in.Name, Description: in.Description, Tags: in.Tags}
	q.setConfig(in.QuickConnectConfig)
	s.mu.Lock()
	defer s.mu.Unlock()
	is, e := s.lookupInstance(r.params[0])
	if e != nil {
		return nil, e
	}
	p, e := insertQuickConnect(is, q, r.now)
	if e != nil {
		return nil, e
	}
	if e := s.saveOrFail(); e != nil {
		is.removeQuickConnect(p)
		return nil, e
	}
	return createQuickConnectOutput{QuickConnectARN: p.ARN, QuickConnectID: p.ID}, nil
}

// updateQuickConnectConfig is UpdateQuickConnectConfig: POST
// /quick-connects/{InstanceId}/{QuickConnectId}/config. It moves
// LastModifiedTime forward.
func (s *Server) updateQuickConnectConfig(r *request) (any, *Error) {
	var in updateQuickConnectConfigInput
	if e := r.decode(&in); e != nil {
		return nil, e
	}
	if e := checkWireConfig(in.QuickConnectConfig); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is, q, e := s.lookupQuickConnect(r.params[0], r.params[1])
	if e != nil {
		return nil, e
	}
	updated := *q
	updated.setConfig(in.QuickConnectConfig)
	if e := validateTarget(is, &updated); e != nil {
		return nil, e
	}
	updated.LastModifiedTime = stamp(r.now, q.LastModifiedTime)
	old := *q
	*q = updated
	if e := s.saveOrFail(); e != nil {
		*q = old
		return nil, e
	}
	return nil, nil
}

// deleteQuickConnect is DeleteQuickConnect: DELETE
// /quick-connects/{InstanceId}/{QuickConnectId}.
func (s *Server) deleteQuickConnect(r *request) (any, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is, q, e := s.lookupQuickConnect(r.params[0], r.params[1])
	if e != nil {
		return nil, e
	}
	is.removeQuickConnect(q)
	if e := s.saveOrFail(); e != nil {
		is.addQuickConnect(q)
		return nil, e
	}
	return nil, nil
}

// lookupQuickConnect finds an instance and one of its quick connects. The
// caller holds s.mu.
func (s *Server) lookupQuickConnect(instance, id string) (*instanceState, *QuickConnect, *Error) {
	is, e := s.lookupInstance(instance)
	if e != nil {
		return nil, nil, e
	}
	q, ok := is.qcs[id]
	if !ok {
		return nil, nil, errNotFound("Quick connect not found for QuickConnectId: %s", id)
	}
	return is, q, nil
}
