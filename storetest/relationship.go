package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
)

// testQueryRelationships checks relationship fields ("ReferenceRecord.Name",
// see routemap.Query) in the SELECT list, WHERE and ORDER BY, over the maps
// of queryEnv: m1 (alice), m2 (bob, who has no first name), m3 (carol) and
// m4 (the queue), all in cc.
func testQueryRelationships(t *testing.T, q *queryEnv) {
	byLabel := []routemap.OrderItem{{Field: "MasterLabel"}}
	boolean := func(b bool) routemap.Literal { return routemap.Literal{Kind: routemap.LitBool, Bool: b} }

	t.Run("Values", func(t *testing.T) {
		fields := []string{"Id", "ReferenceRecord.Id", "ReferenceRecord.Name", "ReferenceRecord.Type", "ReferenceRecord.Alias",
			"ReferenceRecord.Username", "ReferenceRecord.Email", "ReferenceRecord.FirstName", "ReferenceRecord.LastName",
			"ReferenceRecord.IsActive", "CallCenter.Name", "CallCenter.InternalName", "CreatedBy.Name", "LastModifiedBy.Username",
			"CallCenter." + routemap.FieldCallCenterProvider}
		tail := []any{q.cc.Name, q.cc.InternalName, q.admin.Name(), q.admin.Username, string(q.cc.Provider)}
		user := func(m sfid.ID, u *routemap.User) []any {
			var first any
			if u.FirstName != "" {
				first = u.FirstName
			}
			return append([]any{string(m), string(u.ID), u.Name(), "User", u.Alias, u.Username, u.Email, first, u.LastName, u.IsActive}, tail...)
		}
		// A queue has a name and a type; the user-only fields are null.
		queue := append([]any{string(q.m4), string(q.queue.ID), q.queue.Name, q.queue.Type, nil, nil, nil, nil, nil, nil}, tail...)
		res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectRoutingMap, Fields: fields, OrderBy: byLabel, Limit: -1}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := &routemap.QueryResult{TotalSize: 4, Records: [][]any{user(q.m1, q.alice), user(q.m2, q.bob), queue, user(q.m3, q.carol)}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("Query mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Where", func(t *testing.T) {
		for name, tc := range map[string]struct {
			where routemap.Expr
			want  []sfid.ID
		}{
			"OKPolymorphicType":           {cmpf("ReferenceRecord.Type", routemap.OpEq, str("queue")), []sfid.ID{q.m4}},
			"OKPolymorphicTypeNe":         {cmpf("ReferenceRecord.Type", routemap.OpNe, str("User")), []sfid.ID{q.m4}},
			"OKUserName":                  {cmpf("ReferenceRecord.Name", routemap.OpLike, str("a%")), []sfid.ID{q.m1}},
			"OKUserNameWithoutFirstName":  {cmpf("ReferenceRecord.Name", routemap.OpEq, str("baker")), []sfid.ID{q.m2}},
			"OKQueueName":                 {cmpf("ReferenceRecord.Name", routemap.OpEq, str("SUPPORT")), []sfid.ID{q.m4}},
			"OKUserOnlyFieldNullForQueue": {cmpf("ReferenceRecord.Alias", routemap.OpEq, null), []sfid.ID{q.m4}},
			"OKNeIncludesNullParentField": {cmpf("ReferenceRecord.Alias", routemap.OpNe, str("BOB")), []sfid.ID{q.m1, q.m4, q.m3}},
			"OKNotIncludesNullParentField": {&routemap.NotExpr{X: cmpf("ReferenceRecord.IsActive", routemap.OpEq, boolean(true))},
				[]sfid.ID{q.m4}},
			"OKLtSkipsNullParentField": {cmpf("ReferenceRecord.Alias", routemap.OpLt, str("c")), []sfid.ID{q.m1, q.m2}},
			"OKParentID":               {cmpf("ReferenceRecord.Id", routemap.OpEq, str(string(q.alice.ID))), []sfid.ID{q.m1}},
			"OKParentIDIn": {&routemap.InExpr{Field: "ReferenceRecord.Id", Values: []routemap.Literal{str(string(q.bob.ID)), str(string(q.queue.ID))}},
				[]sfid.ID{q.m2, q.m4}},
			"OKNotInIncludesNull": {&routemap.InExpr{Field: "ReferenceRecord.FirstName", Negate: true, Values: []routemap.Literal{str("alice")}},
				[]sfid.ID{q.m2, q.m4, q.m3}},
			"OKCallCenter":         {cmpf("CallCenter.InternalName", routemap.OpEq, str("ACMEVOICE")), []sfid.ID{q.m1, q.m2, q.m4, q.m3}},
			"OKCallCenterNoMatch":  {cmpf("CallCenter.Id", routemap.OpEq, str(string(q.cc2.ID))), nil},
			"OKCreatedBy":          {cmpf("CreatedBy.Username", routemap.OpEq, str(q.admin.Username)), []sfid.ID{q.m1, q.m2, q.m4, q.m3}},
			"OKLastModifiedByName": {cmpf("LastModifiedBy.Name", routemap.OpEq, str("ada admin")), []sfid.ID{q.m1, q.m2, q.m4, q.m3}},
			// The other org's alice has a map too, to its own alice.
			"OKOtherOrgParentsInvisible": {cmpf("ReferenceRecord.Username", routemap.OpLike, str("globex.%")), nil},
			"OKMixed": {&routemap.AndExpr{Terms: []routemap.Expr{
				cmpf("CallCenter.Name", routemap.OpEq, str("ACME VOICE")),
				cmpf("ReferenceRecord.IsActive", routemap.OpEq, boolean(true)),
				cmpf("MasterLabel", routemap.OpNe, str("beta")),
			}}, []sfid.ID{q.m1, q.m3}},
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
		t.Run("OKCount", func(t *testing.T) {
			res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectRoutingMap, Count: true, Limit: -1,
				Where: cmpf("ReferenceRecord.Type", routemap.OpEq, str("User"))}, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if res.TotalSize != 3 {
				t.Errorf("TotalSize = %d, want 3", res.TotalSize)
			}
		})
	})

	t.Run("OrderBy", func(t *testing.T) {
		alias := func(desc, nullsFirst bool) routemap.OrderItem {
			return routemap.OrderItem{Field: "ReferenceRecord.Alias", Desc: desc, NullsFirst: nullsFirst}
		}
		for name, tc := range map[string]struct {
			order []routemap.OrderItem
			want  []sfid.ID
		}{
			// Alice Archer, Baker, Carol Cooper, Support.
			"OKName":           {[]routemap.OrderItem{{Field: "ReferenceRecord.Name", NullsFirst: true}}, []sfid.ID{q.m1, q.m2, q.m3, q.m4}},
			"OKNameDesc":       {[]routemap.OrderItem{{Field: "ReferenceRecord.Name", Desc: true}}, []sfid.ID{q.m4, q.m3, q.m2, q.m1}},
			"OKNullsFirst":     {[]routemap.OrderItem{alias(false, true)}, []sfid.ID{q.m4, q.m1, q.m2, q.m3}},
			"OKNullsLast":      {[]routemap.OrderItem{alias(false, false)}, []sfid.ID{q.m1, q.m2, q.m3, q.m4}},
			"OKDescNullsFirst": {[]routemap.OrderItem{alias(true, true)}, []sfid.ID{q.m4, q.m3, q.m2, q.m1}},
			"OKTypeThenLabel": {[]routemap.OrderItem{{Field: "ReferenceRecord.Type", Desc: true}, {Field: "MasterLabel"}},
				[]sfid.ID{q.m1, q.m2, q.m3, q.m4}},
			"OKTieOnParentBrokenByLabel": {[]routemap.OrderItem{{Field: "CallCenter.Name"}, {Field: "MasterLabel", Desc: true}},
				[]sfid.ID{q.m3, q.m4, q.m2, q.m1}},
		} {
			t.Run(name, func(t *testing.T) {
				got, _ := q.ids(t, &routemap.Query{Object: routemap.ObjectRoutingMap, OrderBy: tc.order, Limit: -1}, 0, 0)
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("order mismatch (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("OKPaging", func(t *testing.T) {
			got, total := q.ids(t, &routemap.Query{Object: routemap.ObjectRoutingMap, Limit: 3, Offset: 1,
				OrderBy: []routemap.OrderItem{{Field: "ReferenceRecord.Name"}}}, 1, 1)
			if diff := cmp.Diff([]sfid.ID{q.m3}, got); diff != "" || total != 3 {
				t.Errorf("TotalSize %d, ids mismatch (-want +got):\n%s", total, diff)
			}
		})
	})

	t.Run("UserCallCenter", func(t *testing.T) {
		row := func(u *routemap.User) []any {
			for _, cc := range []*routemap.CallCenter{q.cc, q.cc2} {
				if u.CallCenterID == cc.ID {
					return []any{string(u.ID), cc.Name, cc.InternalName}
				}
			}
			return []any{string(u.ID), nil, nil}
		}
		for name, tc := range map[string]struct {
			where routemap.Expr
			order []routemap.OrderItem
			want  []*routemap.User
		}{
			"OKAll": {nil, []routemap.OrderItem{{Field: "Id"}},
				sortedUsers([]*routemap.User{q.admin, q.alice, q.bob, q.carol, q.dave, q.eve})},
			"OKWhere":    {cmpf("CallCenter.InternalName", routemap.OpEq, str("ACMEPARTNER")), nil, []*routemap.User{q.dave}},
			"OKNoCenter": {cmpf("CallCenter.Name", routemap.OpEq, null), []routemap.OrderItem{{Field: "Id"}}, sortedUsers([]*routemap.User{q.admin, q.eve})},
			"OKNullsLast": {nil, []routemap.OrderItem{{Field: "CallCenter.Name"}, {Field: "Id"}},
				append(append([]*routemap.User{q.dave}, sortedUsers([]*routemap.User{q.alice, q.bob, q.carol})...), sortedUsers([]*routemap.User{q.admin, q.eve})...)},
		} {
			t.Run(name, func(t *testing.T) {
				res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectUser,
					Fields: []string{"Id", "CallCenter.Name", "CallCenter.InternalName"}, Where: tc.where, OrderBy: tc.order, Limit: -1}, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				want := &routemap.QueryResult{TotalSize: len(tc.want)}
				for _, u := range tc.want {
					want.Records = append(want.Records, row(u))
				}
				if diff := cmp.Diff(want, res, cmpEmpty); diff != "" {
					t.Errorf("Query mismatch (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("OKUnrecordedCreatedByIsNull", func(t *testing.T) {
			// Stores do not record who created a user: the parent is
			// missing, not an error.
			res, err := q.s.Query(ctx(t), q.org.ID, &routemap.Query{Object: routemap.ObjectUser, Fields: []string{"Id", "CreatedBy.Name"},
				Where: cmpf("Id", routemap.OpEq, str(string(q.alice.ID))), Limit: -1}, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := &routemap.QueryResult{TotalSize: 1, Records: [][]any{{string(q.alice.ID), nil}}}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("Query mismatch (-want +got):\n%s", diff)
			}
		})
	})
}

// testQueryMissingParents checks that a parent that is missing reads as
// null, and that a parent in another org is never joined: a map whose
// actor belongs to another org (nothing in the Store contract stops a
// caller passing one) has no CreatedBy. References to another org's user,
// queue or contact center cannot be stored at all.
func testQueryMissingParents(t *testing.T, open func(*testing.T) routemap.Store) {
	e := newEnv(t, open)
	other := seed(t, e.s, "globex")
	apply := func(actor sfid.ID, m routemap.RoutingMap) sfid.ID {
		t.Helper()
		res, err := e.s.ApplyRoutingMaps(ctx(t), e.org.ID, actor, []routemap.RoutingMapOp{createOp(m)}, false)
		if err != nil || res[0].Err != nil {
			t.Fatalf("ApplyRoutingMaps: %v, %v", err, res[0].Err)
		}
		return res[0].ID
	}
	foreign := apply(other.admin.ID, userMap(e.alice, e.cc, "alice.ext"))
	anonymous := apply("", userMap(e.bob, e.cc, "bob.ext"))
	own := apply(e.admin.ID, userMap(e.carol, e.cc, "carol.ext"))

	t.Run("OKValues", func(t *testing.T) {
		res, err := e.s.Query(ctx(t), e.org.ID, &routemap.Query{Object: routemap.ObjectRoutingMap,
			Fields:  []string{"Id", "CreatedById", "CreatedBy.Id", "CreatedBy.Name", "LastModifiedBy.Username", "ReferenceRecord.Name"},
			OrderBy: []routemap.OrderItem{{Field: "ExternalId"}}, Limit: -1}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := &routemap.QueryResult{TotalSize: 3, Records: [][]any{
			{string(foreign), string(other.admin.ID), nil, nil, nil, e.alice.Name()},
			{string(anonymous), nil, nil, nil, nil, e.bob.Name()},
			{string(own), string(e.admin.ID), string(e.admin.ID), e.admin.Name(), e.admin.Username, e.carol.Name()},
		}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("Query mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKWhere", func(t *testing.T) {
		for name, tc := range map[string]struct {
			where routemap.Expr
			want  []sfid.ID
		}{
			// Both orgs' admins are called Ada Admin.
			"OKForeignActorNotJoined": {cmpf("CreatedBy.Name", routemap.OpEq, str(other.admin.Name())), []sfid.ID{own}},
			"OKForeignUsername":       {cmpf("CreatedBy.Username", routemap.OpEq, str(other.admin.Username)), nil},
			"OKMissingIsNull":         {cmpf("CreatedBy.Id", routemap.OpEq, null), []sfid.ID{foreign, anonymous}},
			"OKMissingMatchesNe":      {cmpf("LastModifiedBy.Alias", routemap.OpNe, str("admin")), []sfid.ID{foreign, anonymous}},
		} {
			t.Run(name, func(t *testing.T) {
				res, err := e.s.Query(ctx(t), e.org.ID, &routemap.Query{Object: routemap.ObjectRoutingMap, Fields: []string{"Id"},
					Where: tc.where, OrderBy: []routemap.OrderItem{{Field: "ExternalId"}}, Limit: -1}, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				var got []sfid.ID
				for _, r := range res.Records {
					got = append(got, sfid.ID(r[0].(string)))
				}
				if diff := cmp.Diff(tc.want, got, cmpEmpty); diff != "" {
					t.Errorf("ids mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
	t.Run("ErrForeignParent", func(t *testing.T) {
		for name, m := range map[string]routemap.RoutingMap{
			"User":       userMap(other.dave, e.cc, "x1"),
			"Group":      queueMap(other.queue, e.cc, "x2"),
			"CallCenter": userMap(e.dave, other.cc2, "x3"),
		} {
			t.Run(name, func(t *testing.T) {
				wantErr(t, e.opErr(t, createOp(m)), routemap.EINVALID, routemap.ReasonReferenceNotFound, nil)
			})
		}
	})
}
