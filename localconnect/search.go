package localconnect

import (
	"strings"
)

// maxCriteriaDepth bounds the nesting of AndConditions and OrConditions.
const maxCriteriaDepth = 4

// searchUsers is SearchUsers: POST /search-users with the instance in the
// body. It supports StringCondition on Username, FirstName, LastName,
// RoutingProfileId, SecurityProfileId and resourceId with EXACT (case
// sensitive), STARTS_WITH and CONTAINS (case insensitive), combined with
// AndConditions and OrConditions. SearchFilter, HierarchyGroupCondition
// and ListCondition are refused with InvalidParameterException rather
// than ignored.
func (s *Server) searchUsers(r *request) (any, *Error) {
	var in searchUsersInput
	if e := r.decode(&in); e != nil {
		return nil, e
	}
	if in.InstanceID == "" {
		return nil, errInvalidParameter("InstanceId is required")
	}
	max := defaultMaxResults
	if in.MaxResults != nil {
		max = *in.MaxResults
		if max < 1 || max > maxSearchResults {
			return nil, errInvalidParameter("MaxResults must be from 1 to %d", maxSearchResults)
		}
	}
	if len(in.SearchFilter) > 0 && string(in.SearchFilter) != "null" {
		return nil, errInvalidParameter("SearchFilter is not supported by this local Amazon Connect")
	}
	if in.SearchCriteria != nil {
		if e := checkCriteria(in.SearchCriteria, 0); e != nil {
			return nil, e
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is, e := s.lookupInstance(in.InstanceID)
	if e != nil {
		return nil, e
	}
	match := func(id string) bool { return in.SearchCriteria.match(is.users[id]) }
	ids, next, e := pageOf("SearchUsers", is.sortedUsers(), in.NextToken, max, match)
	if e != nil {
		return nil, e
	}
	total := 0
	for _, id := range is.sortedUsers() {
		if match(id) {
			total++
		}
	}
	out := searchUsersOutput{Users: make([]wireUserSearchSummary, 0, len(ids)), NextToken: next, ApproximateTotalCount: int64(total)}
	for _, id := range ids {
		out.Users = append(out.Users, is.users[id].searchSummary())
	}
	return out, nil
}

// checkCriteria refuses criteria this server cannot evaluate.
func checkCriteria(c *userSearchCriteria, depth int) *Error {
	if depth > maxCriteriaDepth {
		return errInvalidParameter("SearchCriteria nests deeper than %d levels", maxCriteriaDepth)
	}
	if len(c.HierarchyGroupCondition) > 0 || len(c.ListCondition) > 0 {
		return errInvalidParameter("HierarchyGroupCondition and ListCondition are not supported by this local Amazon Connect")
	}
	if sc := c.StringCondition; sc != nil {
		if userField(nil, sc.FieldName) == nil {
			return errInvalidParameter("StringCondition.FieldName %q must be Username, FirstName, LastName, RoutingProfileId, SecurityProfileId or resourceId", sc.FieldName)
		}
		switch sc.ComparisonType {
		case "EXACT", "STARTS_WITH", "CONTAINS":
		default:
			return errInvalidParameter("StringCondition.ComparisonType %q must be EXACT, STARTS_WITH or CONTAINS", sc.ComparisonType)
		}
	}
	for i := range c.AndConditions {
		if e := checkCriteria(&c.AndConditions[i], depth+1); e != nil {
			return e
		}
	}
	for i := range c.OrConditions {
		if e := checkCriteria(&c.OrConditions[i], depth+1); e != nil {
			return e
		}
	}
	return nil
}

// match reports whether u satisfies every member of c; nil matches all.
func (c *userSearchCriteria) match(u *User) bool {
	if c == nil {
		return true
	}
	if sc := c.StringCondition; sc != nil && !sc.match(u) {
		return false
	}
	for i := range c.AndConditions {
		if !c.AndConditions[i].match(u) {
			return false
		}
	}
	if len(c.OrConditions) > 0 {
		matched := false
		for i := range c.OrConditions {
			if c.OrConditions[i].match(u) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	return true
}

func (sc *stringCondition) match(u *User) bool {
	for _, v := range userField(u, sc.FieldName) {
		switch sc.ComparisonType {
		case "EXACT":
			if v == sc.Value {
				return true
			}
		case "STARTS_WITH":
			if strings.HasPrefix(strings.ToLower(v), strings.ToLower(sc.Value)) {
				return true
			}
		case "CONTAINS":
			if strings.Contains(strings.ToLower(v), strings.ToLower(sc.Value)) {
				return true
			}
		}
	}
	return false
}

// userField returns the values of a searchable field (several for
// SecurityProfileId), or nil for a field that is not searchable. With a
// nil user it only checks the name, returning a non-nil empty slice.
func userField(u *User, name string) []string {
	if u == nil {
		u = &User{}
	}
	switch strings.ToLower(name) {
	case "username":
		return []string{u.Username}
	case "firstname":
		return []string{u.IdentityInfo.FirstName}
	case "lastname":
		return []string{u.IdentityInfo.LastName}
	case "routingprofileid":
		return []string{u.RoutingProfileID}
	case "securityprofileid":
		return append([]string{}, u.SecurityProfileIDs...)
	case "resourceid":
		return []string{u.ID}
	}
	return nil
}
