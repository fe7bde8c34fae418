package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
)

// queryEnv is an org with five routing maps whose values exercise every
// operator. Ordered by MasterLabel, ignoring case, the live maps are
// m1, m2, m4, m3.
type queryEnv struct {
	*env
	m1, m2, m3, m4, m5 sfid.ID // m5 is deleted
	before             time.Time
}

func newQueryEnv(t *testing.T, open func(*testing.T) routemap.Store) *queryEnv {
	t.Helper()
	q := &queryEnv{env: newEnv(t, open), before: time.Now().Add(-time.Second)}
	e := q.env
	mk := func(m routemap.RoutingMap, label, quick, lang string) sfid.ID {
		m.MasterLabel, m.QuickConnect, m.Language = label, quick, lang
		return e.create(t, m)
	}
	q.m1 = mk(userMap(e.alice, e.cc, "alice.ext"), "Alpha", "qc-1", "")
	q.m2 = mk(userMap(e.bob, e.cc, "bob.ext"), "beta", "", "")
	q.m3 = mk(userMap(e.carol, e.cc, "CAROL.ext"), "Gamma", "qc-3", "fr")
	q.m4 = mk(queueMap(e.queue, e.cc, "queue.arn"), "delta", "", "")
	q.m5 = mk(userMap(e.dave, e.cc2, "dave.ext"), "Epsilon", "qc-5", "")
	if err := e.opErr(t, deleteOp(q.m5)); err != nil {
		t.Fatal(err)
	}
	// A second org whose maps must never show up.
	other := seed(t, e.s, "globex")
	other.create(t, userMap(other.alice, other.cc, "alice.ext"))
	return q
}

func str(s string) routemap.Literal { return routemap.Literal{Kind: routemap.LitString, Str: s} }

var null = routemap.Literal{Kind: routemap.LitNull}

func cmpf(field string, op routemap.CmpOp, v routemap.Literal) *routemap.Comparison {
	return &routemap.Comparison{Field: field, Op: op, Value: v}
}

// ids runs q selecting Id and returns the ids in order.
func (q *queryEnv) ids(t *testing.T, query *routemap.Query, skip, pageSize int) ([]sfid.ID, int) {
	t.Helper()
	query.Fields = []string{"Id"}
	res, err := q.s.Query(ctx(t), q.org.ID, query, skip, pageSize)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	var out []sfid.ID
	for _, r := range res.Records {
		if len(r) != 1 {
			t.Fatalf("record has %d values, want 1", len(r))
		}
		s, ok := r[0].(string)
		if !ok {
			t.Fatalf("Id is %T, want string", r[0])
		}
		out = append(out, sfid.ID(s))
	}
	return out, res.TotalSize
}

func testQuery(t *testing.T, open func(*testing.T) routemap.Store) {
	q := newQueryEnv(t, open)
	byLabel := []routemap.OrderItem{{Field: "MasterLabel"}}

	t.Run("Where", func(t *testing.T) {
		lt := func(op routemap.CmpOp, f, v string) routemap.Expr { return cmpf(f, op, str(v)) }
		for name, tc := range map[string]struct {
			where routemap.Expr
			want  []sfid.ID
		}{
			"OKAll":                  {nil, []sfid.ID{q.m1, q.m2, q.m4, q.m3}},
			"OKEqIgnoresCase":        {lt(routemap.OpEq, "MasterLabel", "ALPHA"), []sfid.ID{q.m1}},
			"OKEqID":                 {lt(routemap.OpEq, "Id", string(q.m2)), []sfid.ID{q.m2}},
			"OKEqReference":          {lt(routemap.OpEq, "ReferenceRecordId", string(q.queue.ID)), []sfid.ID{q.m4}},
			"OKEqNull":               {cmpf("QuickConnect", routemap.OpEq, null), []sfid.ID{q.m2, q.m4}},
			"OKNeNull":               {cmpf("QuickConnect", routemap.OpNe, null), []sfid.ID{q.m1, q.m3}},
			"OKNeIncludesNull":       {lt(routemap.OpNe, "QuickConnect", "QC-1"), []sfid.ID{q.m2, q.m4, q.m3}},
			"OKNotEqIncludesNull":    {&routemap.NotExpr{X: lt(routemap.OpEq, "QuickConnect", "qc-1")}, []sfid.ID{q.m2, q.m4, q.m3}},
			"OKLt":                   {lt(routemap.OpLt, "MasterLabel", "c"), []sfid.ID{q.m1, q.m2}},
			"OKLe":                   {lt(routemap.OpLe, "MasterLabel", "BETA"), []sfid.ID{q.m1, q.m2}},
			"OKGt":                   {lt(routemap.OpGt, "MasterLabel", "Delta"), []sfid.ID{q.m3}},
			"OKGe":                   {lt(routemap.OpGe, "MasterLabel", "DELTA"), []sfid.ID{q.m4, q.m3}},
			"OKLtSkipsNull":          {lt(routemap.OpLt, "QuickConnect", "qc-2"), []sfid.ID{q.m1}},
			"OKNotLtIncludesNull":    {&routemap.NotExpr{X: lt(routemap.OpLt, "QuickConnect", "qc-2")}, []sfid.ID{q.m2, q.m4, q.m3}},
			"OKLikePrefix":           {lt(routemap.OpLike, "ExternalId", "carol%"), []sfid.ID{q.m3}},
			"OKLikeSuffixIgnoreCase": {lt(routemap.OpLike, "ExternalId", "%.EXT"), []sfid.ID{q.m1, q.m2, q.m3}},
			"OKLikeUnderscore":       {lt(routemap.OpLike, "ExternalId", "_ob.ext"), []sfid.ID{q.m2}},
			"OKLikeEscapedUnderscore": {lt(routemap.OpLike, "DeveloperName", `Support\_%`),
				[]sfid.ID{q.m4}},
			"OKLikeEscapedNoMatch": {lt(routemap.OpLike, "ExternalId", `bob\_ext`), nil},
			"OKLikeID":             {lt(routemap.OpLike, "ReferenceRecordId", "005%"), []sfid.ID{q.m1, q.m2, q.m3}},
			"OKLikeSkipsNull":      {lt(routemap.OpLike, "QuickConnect", "%"), []sfid.ID{q.m1, q.m3}},
			"OKDefaultLanguage":    {lt(routemap.OpEq, "Language", "en_us"), []sfid.ID{q.m1, q.m2, q.m4}},
			"OKIn":                 {&routemap.InExpr{Field: "MasterLabel", Values: []routemap.Literal{str("alpha"), str("GAMMA")}}, []sfid.ID{q.m1, q.m3}},
			"OKInID":               {&routemap.InExpr{Field: "Id", Values: []routemap.Literal{str(string(q.m2)), str(string(q.m4))}}, []sfid.ID{q.m2, q.m4}},
			"OKInWithNull":         {&routemap.InExpr{Field: "QuickConnect", Values: []routemap.Literal{str("qc-1"), null}}, []sfid.ID{q.m1, q.m2, q.m4}},
			"OKNotIn":              {&routemap.InExpr{Field: "MasterLabel", Negate: true, Values: []routemap.Literal{str("ALPHA")}}, []sfid.ID{q.m2, q.m4, q.m3}},
			"OKNotInIncludesNull":  {&routemap.InExpr{Field: "QuickConnect", Negate: true, Values: []routemap.Literal{str("qc-1")}}, []sfid.ID{q.m2, q.m4, q.m3}},
			"OKNotInWithNull":      {&routemap.InExpr{Field: "QuickConnect", Negate: true, Values: []routemap.Literal{str("qc-1"), null}}, []sfid.ID{q.m3}},
			"OKAnd": {&routemap.AndExpr{Terms: []routemap.Expr{
				lt(routemap.OpLike, "ReferenceRecordId", "005%"), cmpf("QuickConnect", routemap.OpEq, null)}}, []sfid.ID{q.m2}},
			"OKOr": {&routemap.OrExpr{Terms: []routemap.Expr{
				lt(routemap.OpEq, "MasterLabel", "alpha"), lt(routemap.OpEq, "ExternalId", "queue.arn")}}, []sfid.ID{q.m1, q.m4}},
			"OKNested": {&routemap.NotExpr{X: &routemap.OrExpr{Terms: []routemap.Expr{
				lt(routemap.OpEq, "MasterLabel", "alpha"),
				&routemap.AndExpr{Terms: []routemap.Expr{lt(routemap.OpEq, "Language", "fr"), cmpf("QuickConnect", routemap.OpNe, null)}},
			}}}, []sfid.ID{q.m2, q.m4}},
			"OKBool":                 {cmpf("IsDeleted", routemap.OpEq, routemap.Literal{Kind: routemap.LitBool}), []sfid.ID{q.m1, q.m2, q.m4, q.m3}},
			"OKDeletedHidden":        {cmpf("IsDeleted", routemap.OpEq, routemap.Literal{Kind: routemap.LitBool, Bool: true}), nil},
			"OKCreatedAfter":         {cmpf("CreatedDate", routemap.OpGt, routemap.Literal{Kind: routemap.LitDateTime, Time: q.before}), []sfid.ID{q.m1, q.m2, q.m4, q.m3}},
			"OKCreatedBefore":        {cmpf("CreatedDate", routemap.OpLt, routemap.Literal{Kind: routemap.LitDateTime, Time: q.before}), nil},
			"OKCreatedByActor":       {lt(routemap.OpEq, "CreatedById", string(q.admin.ID)), []sfid.ID{q.m1, q.m2, q.m4, q.m3}},
			"OKCreatedOnDateOrAfter": {cmpf("CreatedDate", routemap.OpGe, routemap.Literal{Kind: routemap.LitDate, Time: q.before.UTC().Truncate(24 * time.Hour)}), []sfid.ID{q.m1, q.m2, q.m4, q.m3}},
			"OKOtherOrgInvisible":    {lt(routemap.OpEq, "ExternalId", "alice.ext"), []sfid.ID{q.m1}},
			"OKEmptyIn":              {&routemap.InExpr{Field: "Id"}, nil},
		} {
			t.Run(name, func(t *testing.T) {
				got, total := q.ids(t, &routemap.Query{Object: routemap.ObjectRoutingMap, Where: tc.where, OrderBy: byLabel, Limit: -1}, 0, 0)
				if diff := cmp.Diff(tc.want, got, cmpEmpty); diff != "" {
					t.Errorf("ids mismatch (-want +got):\n%s", diff)
				}
				if total != len(tc.want) {
					t.Errorf("TotalSize = %d, want %d", total, len(tc.want))
				}
			})
		}
	})

	t.Run("IncludeDeleted", func(t *testing.T) {
		got, _ := q.ids(t, &routemap.Query{Object: routemap.ObjectRoutingMap, OrderBy: byLabel, Limit: -1, IncludeDeleted: true,
			Where: cmpf("IsDeleted", routemap.OpEq, routemap.Literal{Kind: routemap.LitBool, Bool: true})}, 0, 0)
		if diff := cmp.Diff([]sfid.ID{q.m5}, got); diff != "" {
			t.Errorf("ids mismatch (-want +got):\n%s", diff)
		}
		got, _ = q.ids(t, &routemap.Query{Object: routemap.ObjectRoutingMap, OrderBy: byLabel, Limit: -1, IncludeDeleted: true}, 0, 0)
		if diff := cmp.Diff([]sfid.ID{q.m1, q.m2, q.m4, q.m5, q.m3}, got); diff != "" {
			t.Errorf("ids mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("OrderBy", func(t *testing.T) {
		qc := func(desc, nullsFirst bool) routemap.OrderItem {
			return routemap.OrderItem{Field: "QuickConnect", Desc: desc, NullsFirst: nullsFirst}
		}
		for name, tc := range map[string]struct {
			order []routemap.OrderItem
			want  []sfid.ID
		}{
			"OKAscIgnoresCase":     {byLabel, []sfid.ID{q.m1, q.m2, q.m4, q.m3}},
			"OKDesc":               {[]routemap.OrderItem{{Field: "MasterLabel", Desc: true}}, []sfid.ID{q.m3, q.m4, q.m2, q.m1}},
			"OKNullsFirst":         {[]routemap.OrderItem{qc(false, true), {Field: "MasterLabel"}}, []sfid.ID{q.m2, q.m4, q.m1, q.m3}},
			"OKNullsLast":          {[]routemap.OrderItem{qc(false, false), {Field: "MasterLabel"}}, []sfid.ID{q.m1, q.m3, q.m2, q.m4}},
			"OKDescNullsLast":      {[]routemap.OrderItem{qc(true, false), {Field: "MasterLabel"}}, []sfid.ID{q.m3, q.m1, q.m2, q.m4}},
			"OKDescNullsFirst":     {[]routemap.OrderItem{qc(true, true), {Field: "MasterLabel", Desc: true}}, []sfid.ID{q.m4, q.m2, q.m3, q.m1}},
			"OKSecondTermBreakTie": {[]routemap.OrderItem{{Field: "Language", Desc: true}, {Field: "MasterLabel", Desc: true}}, []sfid.ID{q.m3, q.m4, q.m2, q.m1}},
		} {
			t.Run(name, func(t *testing.T) {
				got, _ := q.ids(t, &routemap.Query{Object: routemap.ObjectRoutingMap, OrderBy: tc.order, Limit: -1}, 0, 0)
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("order mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("Paging", func(t *testing.T) {
		for name, tc := range map[string]struct {
			limit, offset, skip, pageSize int
			want                          []sfid.ID
			total                         int
		}{
			"OKLimit":              {2, 0, 0, 0, []sfid.ID{q.m1, q.m2}, 2},
			"OKOffset":             {-1, 1, 0, 0, []sfid.ID{q.m2, q.m4, q.m3}, 3},
			"OKLimitOffset":        {2, 1, 0, 0, []sfid.ID{q.m2, q.m4}, 2},
			"OKLimitPastEnd":       {10, 3, 0, 0, []sfid.ID{q.m3}, 1},
			"OKOffsetPastEnd":      {-1, 10, 0, 0, nil, 0},
			"OKLimitZero":          {0, 0, 0, 0, nil, 0},
			"OKFirstPage":          {-1, 0, 0, 2, []sfid.ID{q.m1, q.m2}, 4},
			"OKSecondPage":         {-1, 0, 2, 2, []sfid.ID{q.m4, q.m3}, 4},
			"OKPastLastPage":       {-1, 0, 4, 2, nil, 4},
			"OKPageWithinLimit":    {3, 0, 2, 2, []sfid.ID{q.m4}, 3},
			"OKPageWithinOffset":   {-1, 1, 2, 2, []sfid.ID{q.m3}, 3},
			"OKPageLargerThanRest": {-1, 0, 1, 100, []sfid.ID{q.m2, q.m4, q.m3}, 4},
		} {
			t.Run(name, func(t *testing.T) {
				got, total := q.ids(t, &routemap.Query{Object: routemap.ObjectRoutingMap, OrderBy: byLabel,
					Limit: tc.limit, Offset: tc.offset}, tc.skip, tc.pageSize)
				if diff := cmp.Diff(tc.want, got, cmpEmpty); diff != "" {
					t.Errorf("ids mismatch (-want +got):\n%s", diff)
				}
				if total != tc.total {
					t.Errorf("TotalSize = %d, want %d", total, tc.total)
				}
			})
		}
	})

	t.Run("Count", func(t *testing.T) {
		for name, tc := range map[string]struct {
			query *routemap.Query
			want  int
		}{
			"OK":      {&routemap.Query{Object: routemap.ObjectRoutingMap, Count: true, Limit: -1}, 4},
			"OKWhere": {&routemap.Query{Object: routemap.ObjectRoutingMap, Count: true, Limit: -1, Where: cmpf("QuickConnect", routemap.OpEq, null)}, 2},
			"OKLimit": {&routemap.Query{Object: routemap.ObjectRoutingMap, Count: true, Limit: 3}, 3},
			"OKAll":   {&routemap.Query{Object: routemap.ObjectRoutingMap, Count: true, Limit: -1, IncludeDeleted: true}, 5},
		} {
			t.Run(name, func(t *testing.T) {
				res, err := q.s.Query(ctx(t), q.org.ID, tc.query, 0, 2000)
				if err != nil {
					t.Fatal(err)
				}
				if res.TotalSize != tc.want || len(res.Records) != 0 {
					t.Errorf("TotalSize, records = %d, %d; want %d, 0", res.TotalSize, len(res.Records), tc.want)
				}
			})
		}
	})

	t.Run("Values", func(t *testing.T) {
		m2 := q.find(t, q.m2, false)
		m3 := q.find(t, q.m3, false)
		res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{
			Object: routemap.ObjectRoutingMap,
			Fields: []string{"Id", "IsDeleted", "DeveloperName", "Language", "MasterLabel", "CallCenterId", "ExternalId",
				"ReferenceRecordId", "QuickConnect", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp"},
			Where:   &routemap.InExpr{Field: "Id", Values: []routemap.Literal{str(string(q.m2)), str(string(q.m3))}},
			OrderBy: byLabel, Limit: -1,
		}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		row := func(m *routemap.RoutingMap) []any {
			var quick any
			if m.QuickConnect != "" {
				quick = m.QuickConnect
			}
			return []any{string(m.ID), false, m.DeveloperName, m.Language, m.MasterLabel, string(m.CallCenterID), m.ExternalID,
				string(m.ReferenceRecordID), quick, m.CreatedDate, string(q.admin.ID), m.LastModifiedDate, string(q.admin.ID), m.LastModifiedDate}
		}
		want := &routemap.QueryResult{TotalSize: 2, Records: [][]any{row(m2), row(m3)}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("Query mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("User", func(t *testing.T) {
		fields := []string{"Id", "Name", "FirstName", "LastName", "Username", "Alias", "Email", "IsActive", "CallCenterId", "CreatedDate", "LastModifiedDate"}
		row := func(u *routemap.User) []any {
			var first, center any
			if u.FirstName != "" {
				first = u.FirstName
			}
			if u.CallCenterID != "" {
				center = string(u.CallCenterID)
			}
			return []any{string(u.ID), u.Name(), first, u.LastName, u.Username, u.Alias, u.Email, u.IsActive, center, u.CreatedDate, u.LastModifiedDate}
		}
		for name, tc := range map[string]struct {
			where routemap.Expr
			want  []*routemap.User
		}{
			"OKName":             {cmpf("Name", routemap.OpEq, str("alice ARCHER")), []*routemap.User{q.alice}},
			"OKNameNoFirstName":  {cmpf("Name", routemap.OpEq, str("Baker")), []*routemap.User{q.bob}},
			"OKFirstNameNull":    {cmpf("FirstName", routemap.OpEq, null), []*routemap.User{q.bob}},
			"OKNoCenter":         {cmpf("CallCenterId", routemap.OpEq, null), []*routemap.User{q.admin, q.eve}},
			"OKCenter":           {cmpf("CallCenterId", routemap.OpEq, str(string(q.cc.ID))), []*routemap.User{q.alice, q.bob, q.carol}},
			"OKUsernameLike":     {cmpf("Username", routemap.OpLike, str("ACME.d%")), []*routemap.User{q.dave}},
			"OKActive":           {cmpf("IsActive", routemap.OpEq, routemap.Literal{Kind: routemap.LitBool, Bool: true}), []*routemap.User{q.admin, q.alice, q.bob, q.carol, q.dave, q.eve}},
			"OKOtherOrgHidden":   {cmpf("Username", routemap.OpLike, str("globex.%")), nil},
			"OKNotInCenterNulls": {&routemap.InExpr{Field: "CallCenterId", Negate: true, Values: []routemap.Literal{str(string(q.cc.ID))}}, []*routemap.User{q.admin, q.dave, q.eve}},
		} {
			t.Run(name, func(t *testing.T) {
				res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectUser, Fields: fields, Where: tc.where,
					OrderBy: []routemap.OrderItem{{Field: "Id"}}, Limit: -1}, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				want := &routemap.QueryResult{TotalSize: len(tc.want)}
				for _, u := range sortedUsers(tc.want) {
					want.Records = append(want.Records, row(u))
				}
				if diff := cmp.Diff(want, res, cmpEmpty); diff != "" {
					t.Errorf("Query mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("CallCenter", func(t *testing.T) {
		res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectCallCenter,
			Fields: []string{"Id", "Name", "InternalName", routemap.FieldCallCenterProvider, routemap.FieldCallCenterConnectInstance,
				routemap.FieldCallCenterUsernameTemplate, "CreatedDate"},
			Where: cmpf(routemap.FieldCallCenterProvider, routemap.OpLike, str("AMAZON%")), Limit: -1}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := &routemap.QueryResult{TotalSize: 1, Records: [][]any{{string(q.cc.ID), q.cc.Name, q.cc.InternalName,
			string(q.cc.Provider), q.cc.ConnectInstanceARN, q.cc.UsernameTemplate, q.cc.CreatedDate}}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("Query mismatch (-want +got):\n%s", diff)
		}
		t.Run("OKNullExtensionFields", func(t *testing.T) {
			res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectCallCenter,
				Fields: []string{"Id", routemap.FieldCallCenterConnectInstance, routemap.FieldCallCenterUsernameTemplate},
				Where:  cmpf(routemap.FieldCallCenterConnectInstance, routemap.OpEq, null), Limit: -1}, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := &routemap.QueryResult{TotalSize: 1, Records: [][]any{{string(q.cc2.ID), nil, nil}}}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("Query mismatch (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("Group", func(t *testing.T) {
		res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectGroup,
			Fields: []string{"Id", "Name", "DeveloperName", "Type", "CreatedDate"},
			Where:  cmpf("Type", routemap.OpEq, str("queue")), Limit: -1}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := &routemap.QueryResult{TotalSize: 1, Records: [][]any{{string(q.queue.ID), q.queue.Name, q.queue.DeveloperName, q.queue.Type, q.queue.CreatedDate}}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("Query mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Organization", func(t *testing.T) {
		res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectOrganization,
			Fields: []string{"Id", "Name", "CreatedDate"}, Limit: -1}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := &routemap.QueryResult{TotalSize: 1, Records: [][]any{{string(q.org.ID), q.org.Name, q.org.CreatedDate}}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("Query mismatch (-want +got):\n%s", diff)
		}
		// The query the Salesforce CLI sends at login: exactly one row,
		// the caller's org, with the fields stores answer as constants.
		t.Run("OKLoginQuery", func(t *testing.T) {
			res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectOrganization,
				Fields: []string{"Name", "InstanceName", "IsSandbox", "TrialExpirationDate", "NamespacePrefix", "OrganizationType"}, Limit: -1}, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := &routemap.QueryResult{TotalSize: 1, Records: [][]any{{q.org.Name, routemap.OrgInstanceName, false, nil, nil, routemap.OrgType}}}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("Query mismatch (-want +got):\n%s", diff)
			}
		})
		t.Run("OKWhereConstants", func(t *testing.T) {
			res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectOrganization, Fields: []string{"Id"}, Limit: -1,
				Where: &routemap.AndExpr{Terms: []routemap.Expr{
					cmpf("IsSandbox", routemap.OpEq, routemap.Literal{Kind: routemap.LitBool}),
					cmpf("TrialExpirationDate", routemap.OpEq, null),
					cmpf("OrganizationType", routemap.OpEq, str("enterprise edition")),
					cmpf("NamespacePrefix", routemap.OpNe, str("x")),
				}}}, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := &routemap.QueryResult{TotalSize: 1, Records: [][]any{{string(q.org.ID)}}}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("Query mismatch (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("Relationships", func(t *testing.T) { testQueryRelationships(t, q) })
	t.Run("MissingParents", func(t *testing.T) { testQueryMissingParents(t, open) })

	t.Run("Err", func(t *testing.T) {
		for name, query := range map[string]*routemap.Query{
			"UnknownObject":       {Object: "Account", Fields: []string{"Id"}, Limit: -1},
			"UnknownField":        {Object: routemap.ObjectRoutingMap, Fields: []string{"Bogus"}, Limit: -1},
			"UnknownWhereField":   {Object: routemap.ObjectRoutingMap, Fields: []string{"Id"}, Limit: -1, Where: cmpf("Bogus", routemap.OpEq, str("x"))},
			"UnknownOrderByField": {Object: routemap.ObjectRoutingMap, Fields: []string{"Id"}, Limit: -1, OrderBy: []routemap.OrderItem{{Field: "Bogus"}}},
			"UnknownInField":      {Object: routemap.ObjectRoutingMap, Fields: []string{"Id"}, Limit: -1, Where: &routemap.InExpr{Field: "Bogus", Values: []routemap.Literal{str("x")}}},
			"UnknownRelationship": {Object: routemap.ObjectRoutingMap, Fields: []string{"Bogus.Name"}, Limit: -1},
			"UnknownParentField":  {Object: routemap.ObjectRoutingMap, Fields: []string{"CallCenter.Username"}, Limit: -1},
			"UnknownPolymorphicField": {Object: routemap.ObjectRoutingMap, Fields: []string{"ReferenceRecord.CallCenterId"},
				Limit: -1},
			"UnknownWhereRelationship": {Object: routemap.ObjectRoutingMap, Fields: []string{"Id"}, Limit: -1,
				Where: cmpf("Owner.Name", routemap.OpEq, str("x"))},
			"UnknownOrderByRelationship": {Object: routemap.ObjectRoutingMap, Fields: []string{"Id"}, Limit: -1,
				OrderBy: []routemap.OrderItem{{Field: "Owner.Name"}}},
			"RelationshipOfOtherObject": {Object: routemap.ObjectCallCenter, Fields: []string{"CallCenter.Name"}, Limit: -1},
			"TwoLevels":                 {Object: routemap.ObjectRoutingMap, Fields: []string{"CreatedBy.CallCenter.Name"}, Limit: -1},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := q.s.Query(ctx(t), q.org.ID, query, 0, 0)
				wantCode(t, err, routemap.EINVALID)
			})
		}
	})
}
