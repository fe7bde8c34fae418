package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
)

// testTenancy checks that no method lets one org see or touch another's
// records: every id of the other org is ENOTFOUND (or an unknown
// reference), and Query never returns the other org's rows.
func testTenancy(t *testing.T, open func(*testing.T) routemap.Store) {
	a := newEnv(t, open)
	b := seed(t, a.s, "globex")
	bMap := b.create(t, userMap(b.alice, b.cc, agentARN+"b-alice"))
	bDeleted := b.create(t, userMap(b.bob, b.cc, agentARN+"b-bob"))
	if err := b.opErr(t, deleteOp(bDeleted)); err != nil {
		t.Fatal(err)
	}
	bBefore := b.find(t, bMap, false)
	s, org := a.s, a.org.ID

	t.Run("FindUser", func(t *testing.T) {
		_, err := s.FindUser(ctx(t), org, b.alice.ID)
		wantCode(t, err, routemap.ENOTFOUND)
	})
	t.Run("UpdateUser", func(t *testing.T) {
		active := false
		_, err := s.UpdateUser(ctx(t), org, b.alice.ID, routemap.UserUpdate{IsActive: &active})
		wantCode(t, err, routemap.ENOTFOUND)
		u, err := s.FindUser(ctx(t), b.org.ID, b.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !u.IsActive {
			t.Errorf("update from another org changed the user")
		}
	})
	t.Run("UpdateUserCallCenter", func(t *testing.T) {
		_, err := s.UpdateUser(ctx(t), org, a.eve.ID, routemap.UserUpdate{CallCenterID: &b.cc.ID})
		wantErr(t, err, routemap.EINVALID, routemap.ReasonReferenceNotFound, nil)
	})
	t.Run("CreateUserCallCenter", func(t *testing.T) {
		u := &routemap.User{OrgID: org, Username: "cross@example.com", Alias: "cross", Email: "cross@example.com",
			LastName: "Cross", CallCenterID: b.cc.ID}
		wantErr(t, s.CreateUser(ctx(t), u), routemap.EINVALID, routemap.ReasonReferenceNotFound, nil)
	})
	t.Run("ListUsers", func(t *testing.T) {
		got, err := s.ListUsers(ctx(t), org, b.cc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("ListUsers with another org's center returned %d users", len(got))
		}
		all, err := s.ListUsers(ctx(t), org, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range all {
			if u.OrgID != org {
				t.Errorf("ListUsers returned user %s of org %s", u.ID, u.OrgID)
			}
		}
		if len(all) != 6 {
			t.Errorf("ListUsers returned %d users, want 6", len(all))
		}
	})
	t.Run("FindCallCenter", func(t *testing.T) {
		_, err := s.FindCallCenter(ctx(t), org, b.cc.ID)
		wantCode(t, err, routemap.ENOTFOUND)
	})
	t.Run("ListCallCenters", func(t *testing.T) {
		got, err := s.ListCallCenters(ctx(t), org)
		if err != nil {
			t.Fatal(err)
		}
		var ids []sfid.ID
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		want := []sfid.ID{a.cc.ID, a.cc2.ID}
		if want[1] < want[0] {
			want[0], want[1] = want[1], want[0]
		}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("ListCallCenters ids (-want +got):\n%s", diff)
		}
	})
	t.Run("FindGroup", func(t *testing.T) {
		_, err := s.FindGroup(ctx(t), org, b.queue.ID)
		wantCode(t, err, routemap.ENOTFOUND)
	})
	t.Run("CreateConnectedAppRunAs", func(t *testing.T) {
		err := s.CreateConnectedApp(ctx(t), &routemap.ConnectedApp{OrgID: org, Name: "x", ClientID: "cross", RunAsUserID: b.admin.ID})
		wantErr(t, err, routemap.EINVALID, routemap.ReasonReferenceNotFound, nil)
	})
	t.Run("CreateSessionUser", func(t *testing.T) {
		err := s.CreateSession(ctx(t), &routemap.Session{TokenHash: "cross", OrgID: org, UserID: b.admin.ID})
		wantErr(t, err, routemap.EINVALID, routemap.ReasonReferenceNotFound, nil)
	})
	t.Run("FindRoutingMap", func(t *testing.T) {
		// Another org's deleted map is unknown, not deleted.
		for _, id := range []sfid.ID{bMap, bDeleted} {
			for _, includeDeleted := range []bool{false, true} {
				_, err := s.FindRoutingMap(ctx(t), org, id, includeDeleted)
				wantErr(t, err, routemap.ENOTFOUND, "", nil)
			}
		}
	})
	t.Run("UpdateRoutingMap", func(t *testing.T) {
		res := a.apply(t, false, updateOp(bMap, routemap.RoutingMap{MasterLabel: "hijacked"}, routemap.FieldMasterLabel))[0]
		wantErr(t, res.Err, routemap.ENOTFOUND, "", nil)
		if diff := cmp.Diff(bBefore, b.find(t, bMap, false)); diff != "" {
			t.Errorf("update from another org changed the map (-before +after):\n%s", diff)
		}
	})
	t.Run("UpdateDeletedRoutingMap", func(t *testing.T) {
		// Another org's deleted map is unknown, not deleted.
		res := a.apply(t, false, updateOp(bDeleted, routemap.RoutingMap{MasterLabel: "x"}, routemap.FieldMasterLabel))[0]
		wantErr(t, res.Err, routemap.ENOTFOUND, "", nil)
	})
	t.Run("DeleteRoutingMap", func(t *testing.T) {
		res := a.apply(t, false, deleteOp(bMap))[0]
		wantErr(t, res.Err, routemap.ENOTFOUND, "", nil)
		b.find(t, bMap, false)
	})
	t.Run("CreateRoutingMapReferences", func(t *testing.T) {
		for name, m := range map[string]routemap.RoutingMap{
			"CallCenter": userMap(a.alice, b.cc, "x1"),
			"User":       userMap(b.alice, a.cc, "x2"),
			"Group":      queueMap(b.queue, a.cc, "x3"),
		} {
			t.Run(name, func(t *testing.T) {
				wantErr(t, a.opErr(t, createOp(m)), routemap.EINVALID, routemap.ReasonReferenceNotFound, nil)
			})
		}
	})
	t.Run("OKUniquenessPerOrg", func(t *testing.T) {
		// The other org's DeveloperName and ExternalId do not collide.
		m := userMap(a.alice, a.cc, agentARN+"b-alice")
		m.DeveloperName = routemap.DeveloperNameFor(b.alice.ID, b.cc.ID)
		a.create(t, m)
	})
	t.Run("Query", func(t *testing.T) {
		own := map[string]bool{}
		for _, id := range []sfid.ID{a.org.ID, a.cc.ID, a.cc2.ID, a.admin.ID, a.alice.ID, a.bob.ID, a.carol.ID, a.dave.ID, a.eve.ID, a.queue.ID} {
			own[string(id)] = true
		}
		for _, object := range []string{routemap.ObjectRoutingMap, routemap.ObjectUser, routemap.ObjectCallCenter, routemap.ObjectGroup, routemap.ObjectOrganization} {
			t.Run(object, func(t *testing.T) {
				res, err := s.Query(ctx(t), org, &routemap.Query{Object: object, Fields: []string{"Id"}, Limit: -1, IncludeDeleted: true}, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Records) == 0 {
					t.Fatalf("no %s records", object)
				}
				for _, r := range res.Records {
					id := r[0].(string)
					if object != routemap.ObjectRoutingMap && !own[id] {
						t.Errorf("Query returned %s %s of another org", object, id)
					}
					if id == string(bMap) || id == string(bDeleted) {
						t.Errorf("Query returned routing map %s of another org", id)
					}
				}
			})
		}
		t.Run("ByID", func(t *testing.T) {
			res, err := s.Query(ctx(t), org, &routemap.Query{Object: routemap.ObjectRoutingMap, Fields: []string{"Id"}, Limit: -1,
				IncludeDeleted: true, Where: &routemap.InExpr{Field: "Id", Values: []routemap.Literal{str(string(bMap)), str(string(bDeleted))}}}, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if res.TotalSize != 0 || len(res.Records) != 0 {
				t.Errorf("Query by another org's ids = %+v, want nothing", res)
			}
		})
	})
}
