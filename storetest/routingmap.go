package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
)

const (
	agentARN  = "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f/agent/"
	queueARN  = "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f/queue/"
	quickUUID = "6c5d4e3f-2a1b-4c0d-9e8f-1a2b3c4d5e6f"
)

func testRoutingMap(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("Create", func(t *testing.T) { testCreate(t, open) })
	t.Run("Update", func(t *testing.T) { testUpdate(t, open) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, open) })
	t.Run("Find", func(t *testing.T) {
		t.Run("ErrNotFound", func(t *testing.T) {
			e := newEnv(t, open)
			for _, includeDeleted := range []bool{false, true} {
				_, err := e.s.FindRoutingMap(ctx(t), e.org.ID, otherID(sfid.PrefixRoutingMap, 1), includeDeleted)
				wantCode(t, err, routemap.ENOTFOUND)
			}
		})
	})
}

func testCreate(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		m.QuickConnect = quickUUID
		c := startClock()
		res := e.apply(t, false, createOp(m))[0]
		c.stop()
		if res.Err != nil || !res.Created {
			t.Fatalf("result = %+v, want created", res)
		}
		mustParse(t, res.ID, sfid.PrefixRoutingMap)
		got := e.find(t, res.ID, false)
		c.check(t, "CreatedDate", got.CreatedDate)
		want := m
		want.ID, want.Language = res.ID, routemap.DefaultLanguage
		want.CreatedDate, want.LastModifiedDate = got.CreatedDate, got.CreatedDate
		want.CreatedByID, want.LastModifiedByID = e.admin.ID, e.admin.ID
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("FindRoutingMap mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKLanguageKept", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		m.Language = "fr"
		id := e.create(t, m)
		if got := e.find(t, id, false).Language; got != "fr" {
			t.Errorf("Language = %q, want fr", got)
		}
	})
	t.Run("OKQueue", func(t *testing.T) {
		e := newEnv(t, open)
		m := queueMap(e.queue, e.cc, queueARN+"q1")
		id := e.create(t, m)
		if got := e.find(t, id, false).ReferenceRecordID; got != e.queue.ID {
			t.Errorf("ReferenceRecordID = %s, want %s", got, e.queue.ID)
		}
	})
	t.Run("OKSameExternalIDOtherCenter", func(t *testing.T) {
		e := newEnv(t, open)
		e.create(t, queueMap(e.queue, e.cc, "shared"))
		m := queueMap(e.queue, e.cc2, "shared")
		e.create(t, m)
	})
	t.Run("OKReuseAfterDelete", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		id := e.create(t, m)
		if err := e.opErr(t, deleteOp(id)); err != nil {
			t.Fatal(err)
		}
		id2 := e.create(t, m)
		if id2 == id {
			t.Fatalf("re-created map got the deleted map's id %s", id)
		}
	})
	t.Run("ErrIDSpecified", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		m.ID = otherID(sfid.PrefixRoutingMap, 1)
		res := e.apply(t, false, createOp(m))[0]
		wantErr(t, res.Err, routemap.EINVALID, "", []string{"Id"})
		if res.Created || !res.ID.IsZero() {
			t.Errorf("rejected create result = %+v, want no id", res)
		}
	})
	t.Run("ErrReference", func(t *testing.T) { testReferences(t, open, false) })
	t.Run("ErrNotMember", func(t *testing.T) {
		e := newEnv(t, open)
		for name, u := range map[string]*routemap.User{"NoCenter": e.eve, "OtherCenter": e.dave} {
			t.Run(name, func(t *testing.T) {
				err := wantErr(t, e.opErr(t, createOp(userMap(u, e.cc, agentARN+"x"))), routemap.EINVALID, routemap.ReasonNotMember, nil)
				want := "User " + string(u.ID) + " is not a member of contact center " + string(e.cc.ID) +
					": add the user to the contact center first (PATCH /sobjects/User/" + string(u.ID) + " with CallCenterId)"
				if err.Message != want {
					t.Errorf("message = %q, want %q", err.Message, want)
				}
				if !contains(err.Fields, routemap.FieldReferenceRecordID) {
					t.Errorf("Fields = %q, want ReferenceRecordId among them", err.Fields)
				}
			})
		}
	})
	t.Run("ErrDuplicateDeveloperName", func(t *testing.T) {
		e := newEnv(t, open)
		first := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		for name, dev := range map[string]string{
			"Same":      routemap.DeveloperNameFor(e.alice.ID, e.cc.ID),
			"OtherCase": strings.ToLower(routemap.DeveloperNameFor(e.alice.ID, e.cc.ID)),
		} {
			t.Run(name, func(t *testing.T) {
				m := userMap(e.bob, e.cc, agentARN+"b1")
				m.DeveloperName = dev
				err := wantErr(t, e.opErr(t, createOp(m)), routemap.ECONFLICT, routemap.ReasonDuplicateDeveloperName, []string{"DeveloperName"})
				want := "duplicate value found: DeveloperName duplicates value on record with id: " + string(first)
				if err.Message != want {
					t.Errorf("message = %q, want %q", err.Message, want)
				}
			})
		}
	})
	t.Run("ErrDuplicateUser", func(t *testing.T) {
		e := newEnv(t, open)
		first := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		m := userMap(e.alice, e.cc, agentARN+"a2")
		m.DeveloperName = "Alice_Again"
		err := wantErr(t, e.opErr(t, createOp(m)), routemap.ECONFLICT, routemap.ReasonDuplicateUser, nil)
		if !strings.Contains(err.Message, string(first)) {
			t.Errorf("message %q does not name %s", err.Message, first)
		}
		if !contains(err.Fields, routemap.FieldReferenceRecordID) {
			t.Errorf("Fields = %q, want ReferenceRecordId among them", err.Fields)
		}
	})
	t.Run("ErrDuplicateExternalID", func(t *testing.T) {
		e := newEnv(t, open)
		first := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		err := wantErr(t, e.opErr(t, createOp(userMap(e.bob, e.cc, agentARN+"a1"))), routemap.ECONFLICT, routemap.ReasonDuplicateExternalID, nil)
		if !strings.Contains(err.Message, string(first)) {
			t.Errorf("message %q does not name %s", err.Message, first)
		}
		if !contains(err.Fields, routemap.FieldExternalID) {
			t.Errorf("Fields = %q, want ExternalId among them", err.Fields)
		}
	})
	t.Run("ErrDuplicateFirstRuleWins", func(t *testing.T) {
		// A map that breaks every uniqueness rule reports DeveloperName,
		// the first rule of RoutingMapOp.
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		e.create(t, m)
		wantErr(t, e.opErr(t, createOp(m)), routemap.ECONFLICT, routemap.ReasonDuplicateDeveloperName, nil)
	})
	t.Run("ErrDuplicateWithinCall", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		res := e.apply(t, false, createOp(m), createOp(m))
		if res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		err := wantErr(t, res[1].Err, routemap.ECONFLICT, routemap.ReasonDuplicateDeveloperName, nil)
		if !strings.Contains(err.Message, string(res[0].ID)) {
			t.Errorf("message %q does not name %s", err.Message, res[0].ID)
		}
	})
	t.Run("OKPartialSuccess", func(t *testing.T) {
		e := newEnv(t, open)
		res := e.apply(t, false,
			createOp(userMap(e.alice, e.cc, agentARN+"a1")),
			createOp(userMap(e.eve, e.cc, agentARN+"e1")),
			createOp(userMap(e.bob, e.cc, agentARN+"b1")))
		if res[0].Err != nil || res[2].Err != nil {
			t.Fatalf("results = %+v, want ops 0 and 2 stored", res)
		}
		wantErr(t, res[1].Err, routemap.EINVALID, routemap.ReasonNotMember, nil)
		e.find(t, res[0].ID, false)
		e.find(t, res[2].ID, false)
		if got := countMaps(t, e, false); got != 2 {
			t.Errorf("%d maps stored, want 2", got)
		}
	})
	t.Run("ErrUnknownKind", func(t *testing.T) {
		e := newEnv(t, open)
		err := e.opErr(t, routemap.RoutingMapOp{Kind: 99, Map: userMap(e.alice, e.cc, "x")})
		wantCode(t, err, routemap.EINVALID)
	})
}

// testReferences checks the reference rules, on a create or on an update
// that sets the reference.
func testReferences(t *testing.T, open func(*testing.T) routemap.Store, update bool) {
	e := newEnv(t, open)
	other := seed(t, e.s, "globex")
	existing := e.create(t, userMap(e.bob, e.cc, agentARN+"b1"))
	for name, tc := range map[string]struct {
		m     routemap.RoutingMap
		field string
	}{
		"CallCenterNotFound":    {userMap(e.alice, &routemap.CallCenter{ID: otherID(sfid.PrefixCallCenter, 1)}, "x"), routemap.FieldCallCenterID},
		"CallCenterOfOtherOrg":  {userMap(e.alice, other.cc, "x"), routemap.FieldCallCenterID},
		"UserNotFound":          {userMap(&routemap.User{ID: otherID(sfid.PrefixUser, 1)}, e.cc, "x"), routemap.FieldReferenceRecordID},
		"UserOfOtherOrg":        {userMap(other.alice, e.cc, "x"), routemap.FieldReferenceRecordID},
		"GroupNotFound":         {queueMap(&routemap.Group{ID: otherID(sfid.PrefixGroup, 1), DeveloperName: "G"}, e.cc, "x"), routemap.FieldReferenceRecordID},
		"GroupOfOtherOrg":       {queueMap(other.queue, e.cc, "x"), routemap.FieldReferenceRecordID},
		"ReferenceOfOtherKind":  {userMap(&routemap.User{ID: e.cc2.ID}, e.cc, "x"), routemap.FieldReferenceRecordID},
		"CallCenterIsNotCenter": {userMap(e.alice, &routemap.CallCenter{ID: e.alice.ID}, "x"), routemap.FieldCallCenterID},
	} {
		t.Run(name, func(t *testing.T) {
			op := createOp(tc.m)
			if update {
				op = updateOp(existing, tc.m, routemap.FieldCallCenterID, routemap.FieldReferenceRecordID)
			}
			err := wantErr(t, e.opErr(t, op), routemap.EINVALID, routemap.ReasonReferenceNotFound, []string{tc.field})
			if err.Message != "invalid cross reference id" {
				t.Errorf("message = %q, want %q", err.Message, "invalid cross reference id")
			}
		})
	}
}

func testUpdate(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OKMergesNamedFields", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		m.QuickConnect = quickUUID
		id := e.create(t, m)
		before := e.find(t, id, false)
		time.Sleep(2 * time.Millisecond)
		// Everything in the map differs, but only two fields are named.
		upd := userMap(e.bob, e.cc2, agentARN+"new")
		upd.MasterLabel, upd.Language, upd.QuickConnect = "New label", "de", ""
		c := startClock()
		res := e.apply(t, false, updateOp(id, upd, routemap.FieldExternalID, routemap.FieldMasterLabel))[0]
		c.stop()
		if res.Err != nil || res.ID != id || res.Created {
			t.Fatalf("result = %+v, want updated %s", res, id)
		}
		got := e.find(t, id, false)
		c.check(t, "LastModifiedDate", got.LastModifiedDate)
		want := *before
		want.ExternalID, want.MasterLabel = agentARN+"new", "New label"
		want.LastModifiedDate = got.LastModifiedDate
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("after update (-want +got):\n%s", diff)
		}
		if !got.LastModifiedDate.After(before.CreatedDate) {
			t.Errorf("LastModifiedDate %v not after CreatedDate %v", got.LastModifiedDate, before.CreatedDate)
		}
	})
	t.Run("OKEveryField", func(t *testing.T) {
		e := newEnv(t, open)
		id := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		upd := userMap(e.dave, e.cc2, "dave.partner")
		upd.QuickConnect, upd.Language = quickUUID, "ja"
		res := e.apply(t, false, updateOp(id, upd, routemap.FieldExternalID, routemap.FieldReferenceRecordID,
			routemap.FieldCallCenterID, routemap.FieldDeveloperName, routemap.FieldQuickConnect, routemap.FieldMasterLabel,
			routemap.FieldLanguage))[0]
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		got := e.find(t, id, false)
		want := upd
		want.ID, want.CreatedDate, want.LastModifiedDate = id, got.CreatedDate, got.LastModifiedDate
		want.CreatedByID, want.LastModifiedByID = e.admin.ID, e.admin.ID
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("after update (-want +got):\n%s", diff)
		}
	})
	t.Run("OKClearQuickConnect", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		m.QuickConnect = quickUUID
		id := e.create(t, m)
		if err := e.opErr(t, updateOp(id, routemap.RoutingMap{}, routemap.FieldQuickConnect)); err != nil {
			t.Fatal(err)
		}
		if got := e.find(t, id, false).QuickConnect; got != "" {
			t.Errorf("QuickConnect = %q, want cleared", got)
		}
	})
	t.Run("OKEmptyLanguageDefaults", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		m.Language = "fr"
		id := e.create(t, m)
		if err := e.opErr(t, updateOp(id, routemap.RoutingMap{}, routemap.FieldLanguage)); err != nil {
			t.Fatal(err)
		}
		if got := e.find(t, id, false).Language; got != routemap.DefaultLanguage {
			t.Errorf("Language = %q, want %q", got, routemap.DefaultLanguage)
		}
	})
	t.Run("OKOwnDeveloperNameOtherCase", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		id := e.create(t, m)
		upd := routemap.RoutingMap{DeveloperName: strings.ToUpper(m.DeveloperName)}
		if err := e.opErr(t, updateOp(id, upd, routemap.FieldDeveloperName)); err != nil {
			t.Fatal(err)
		}
		if got := e.find(t, id, false).DeveloperName; got != upd.DeveloperName {
			t.Errorf("DeveloperName = %q, want %q", got, upd.DeveloperName)
		}
	})
	t.Run("OKNoFields", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		id := e.create(t, m)
		before := e.find(t, id, false)
		if err := e.opErr(t, updateOp(id, routemap.RoutingMap{})); err != nil {
			t.Fatal(err)
		}
		got := e.find(t, id, false)
		before.LastModifiedDate = got.LastModifiedDate
		if diff := cmp.Diff(before, got); diff != "" {
			t.Errorf("update without fields changed the map (-before +after):\n%s", diff)
		}
	})
	t.Run("ErrDuplicateDeveloperName", func(t *testing.T) {
		e := newEnv(t, open)
		first := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		second := e.create(t, userMap(e.bob, e.cc, agentARN+"b1"))
		upd := routemap.RoutingMap{DeveloperName: strings.ToLower(routemap.DeveloperNameFor(e.alice.ID, e.cc.ID))}
		err := wantErr(t, e.opErr(t, updateOp(second, upd, routemap.FieldDeveloperName)),
			routemap.ECONFLICT, routemap.ReasonDuplicateDeveloperName, []string{"DeveloperName"})
		if !strings.Contains(err.Message, string(first)) {
			t.Errorf("message %q does not name %s", err.Message, first)
		}
		if got := e.find(t, second, false).DeveloperName; got != routemap.DeveloperNameFor(e.bob.ID, e.cc.ID) {
			t.Errorf("rejected update changed DeveloperName to %q", got)
		}
	})
	t.Run("ErrDuplicateUser", func(t *testing.T) {
		e := newEnv(t, open)
		e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		second := e.create(t, userMap(e.bob, e.cc, agentARN+"b1"))
		upd := routemap.RoutingMap{ReferenceRecordID: e.alice.ID}
		wantErr(t, e.opErr(t, updateOp(second, upd, routemap.FieldReferenceRecordID)), routemap.ECONFLICT, routemap.ReasonDuplicateUser, nil)
	})
	t.Run("ErrDuplicateExternalID", func(t *testing.T) {
		e := newEnv(t, open)
		e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		second := e.create(t, userMap(e.bob, e.cc, agentARN+"b1"))
		upd := routemap.RoutingMap{ExternalID: agentARN + "a1"}
		wantErr(t, e.opErr(t, updateOp(second, upd, routemap.FieldExternalID)), routemap.ECONFLICT, routemap.ReasonDuplicateExternalID, nil)
	})
	t.Run("ErrReference", func(t *testing.T) { testReferences(t, open, true) })
	t.Run("ErrNotMember", func(t *testing.T) {
		e := newEnv(t, open)
		id := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		upd := routemap.RoutingMap{ReferenceRecordID: e.eve.ID}
		wantErr(t, e.opErr(t, updateOp(id, upd, routemap.FieldReferenceRecordID)), routemap.EINVALID, routemap.ReasonNotMember, nil)
	})
	t.Run("ErrMergedRecordRechecked", func(t *testing.T) {
		// alice left the contact center after her map was stored: any
		// update of the map fails, even one that does not touch her.
		e := newEnv(t, open)
		id := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		var none sfid.ID
		if _, err := e.s.UpdateUser(ctx(t), e.org.ID, e.alice.ID, routemap.UserUpdate{CallCenterID: &none}); err != nil {
			t.Fatal(err)
		}
		upd := routemap.RoutingMap{MasterLabel: "Renamed"}
		wantErr(t, e.opErr(t, updateOp(id, upd, routemap.FieldMasterLabel)), routemap.EINVALID, routemap.ReasonNotMember, nil)
	})
	t.Run("ErrUnknownField", func(t *testing.T) {
		e := newEnv(t, open)
		id := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		for _, f := range []string{"Bogus", "IsDeleted", "CreatedDate"} {
			t.Run(f, func(t *testing.T) {
				wantErr(t, e.opErr(t, updateOp(id, routemap.RoutingMap{}, f)), routemap.EINVALID, "", []string{f})
			})
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e := newEnv(t, open)
		for name, id := range map[string]sfid.ID{"Unknown": otherID(sfid.PrefixRoutingMap, 1), "Zero": ""} {
			t.Run(name, func(t *testing.T) {
				res := e.apply(t, false, updateOp(id, routemap.RoutingMap{MasterLabel: "x"}, routemap.FieldMasterLabel))[0]
				wantErr(t, res.Err, routemap.ENOTFOUND, "", nil)
				if res.ID != id {
					t.Errorf("result id = %s, want the op's id %s", res.ID, id)
				}
			})
		}
	})
	t.Run("ErrDeleted", func(t *testing.T) {
		e := newEnv(t, open)
		id := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		if err := e.opErr(t, deleteOp(id)); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.opErr(t, updateOp(id, routemap.RoutingMap{MasterLabel: "x"}, routemap.FieldMasterLabel)),
			routemap.ENOTFOUND, routemap.ReasonDeleted, nil)
		if got := e.find(t, id, true).MasterLabel; got == "x" {
			t.Errorf("update of a deleted map changed it")
		}
	})
}

func testDelete(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t, open)
		id := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		before := e.find(t, id, false)
		time.Sleep(2 * time.Millisecond)
		c := startClock()
		res := e.apply(t, false, deleteOp(id))[0]
		c.stop()
		if res.Err != nil || res.ID != id || res.Created {
			t.Fatalf("result = %+v, want deleted %s", res, id)
		}
		_, err := e.s.FindRoutingMap(ctx(t), e.org.ID, id, false)
		wantErr(t, err, routemap.ENOTFOUND, routemap.ReasonDeleted, nil)
		got := e.find(t, id, true)
		c.check(t, "LastModifiedDate", got.LastModifiedDate)
		want := *before
		want.IsDeleted, want.LastModifiedDate = true, got.LastModifiedDate
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("deleted map (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrDeleted", func(t *testing.T) {
		e := newEnv(t, open)
		id := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		if err := e.opErr(t, deleteOp(id)); err != nil {
			t.Fatal(err)
		}
		res := e.apply(t, false, deleteOp(id))[0]
		wantErr(t, res.Err, routemap.ENOTFOUND, routemap.ReasonDeleted, []string{"Id"})
		if res.ID != id {
			t.Errorf("result id = %s, want %s", res.ID, id)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e := newEnv(t, open)
		wantErr(t, e.opErr(t, deleteOp(otherID(sfid.PrefixRoutingMap, 1))), routemap.ENOTFOUND, "", []string{"Id"})
	})
}

func testAllOrNone(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t, open)
		existing := e.create(t, userMap(e.carol, e.cc, agentARN+"c1"))
		res := e.apply(t, true,
			createOp(userMap(e.alice, e.cc, agentARN+"a1")),
			updateOp(existing, routemap.RoutingMap{MasterLabel: "Carol"}, routemap.FieldMasterLabel),
			createOp(userMap(e.bob, e.cc, agentARN+"b1")))
		for i, r := range res {
			if r.Err != nil {
				t.Fatalf("result %d: %v", i, r.Err)
			}
		}
		if got := countMaps(t, e, false); got != 3 {
			t.Errorf("%d maps stored, want 3", got)
		}
	})
	t.Run("ErrRollsBackEveryOp", func(t *testing.T) {
		e := newEnv(t, open)
		existing := e.create(t, userMap(e.carol, e.cc, agentARN+"c1"))
		doomed := e.create(t, userMap(e.dave, e.cc2, "dave"))
		before := e.find(t, existing, false)
		ops := []routemap.RoutingMapOp{
			createOp(userMap(e.alice, e.cc, agentARN+"a1")),
			updateOp(existing, routemap.RoutingMap{MasterLabel: "Changed"}, routemap.FieldMasterLabel),
			deleteOp(doomed),
			createOp(userMap(e.eve, e.cc, agentARN+"e1")), // not a member
			createOp(userMap(e.bob, e.cc, agentARN+"b1")),
		}
		res := e.apply(t, true, ops...)
		wantErr(t, res[3].Err, routemap.EINVALID, routemap.ReasonNotMember, nil)
		for _, i := range []int{0, 1, 2, 4} {
			err := wantErr(t, res[i].Err, routemap.EINVALID, routemap.ReasonRolledBack, nil)
			want := "Record rolled back because not all records were valid and the request was using AllOrNone header"
			if err.Message != want {
				t.Errorf("result %d message = %q, want %q", i, err.Message, want)
			}
			if res[i].Created {
				t.Errorf("result %d is Created", i)
			}
		}
		if !res[0].ID.IsZero() || !res[4].ID.IsZero() {
			t.Errorf("rolled-back creates have ids %s, %s", res[0].ID, res[4].ID)
		}
		if res[1].ID != existing || res[2].ID != doomed {
			t.Errorf("rolled-back update and delete ids = %s, %s; want %s, %s", res[1].ID, res[2].ID, existing, doomed)
		}
		if got := countMaps(t, e, true); got != 2 {
			t.Errorf("%d maps stored, want the 2 from before", got)
		}
		if diff := cmp.Diff(before, e.find(t, existing, false)); diff != "" {
			t.Errorf("rolled-back update changed the map (-before +after):\n%s", diff)
		}
		e.find(t, doomed, false)
	})
	t.Run("ErrFirstOpFails", func(t *testing.T) {
		e := newEnv(t, open)
		res := e.apply(t, true,
			deleteOp(otherID(sfid.PrefixRoutingMap, 1)),
			createOp(userMap(e.alice, e.cc, agentARN+"a1")))
		wantErr(t, res[0].Err, routemap.ENOTFOUND, "", nil)
		wantErr(t, res[1].Err, routemap.EINVALID, routemap.ReasonRolledBack, nil)
		if got := countMaps(t, e, true); got != 0 {
			t.Errorf("%d maps stored, want 0", got)
		}
	})
	t.Run("ErrConflictWithinCall", func(t *testing.T) {
		e := newEnv(t, open)
		m := userMap(e.alice, e.cc, agentARN+"a1")
		res := e.apply(t, true, createOp(m), createOp(m))
		wantErr(t, res[0].Err, routemap.EINVALID, routemap.ReasonRolledBack, nil)
		wantErr(t, res[1].Err, routemap.ECONFLICT, routemap.ReasonDuplicateDeveloperName, nil)
		if got := countMaps(t, e, true); got != 0 {
			t.Errorf("%d maps stored, want 0", got)
		}
		// The rolled-back values are free again.
		e.create(t, m)
	})
	t.Run("OKEmpty", func(t *testing.T) {
		e := newEnv(t, open)
		for _, allOrNone := range []bool{false, true} {
			res, err := e.s.ApplyRoutingMaps(ctx(t), e.org.ID, e.admin.ID, nil, allOrNone)
			if err != nil || len(res) != 0 {
				t.Errorf("ApplyRoutingMaps(no ops) = %v, %v; want no results", res, err)
			}
		}
	})
}

// countMaps counts the org's routing maps through Query.
func countMaps(t *testing.T, e *env, includeDeleted bool) int {
	t.Helper()
	res, err := e.s.Query(ctx(t), e.org.ID, &routemap.Query{Object: routemap.ObjectRoutingMap, Count: true, Limit: -1, IncludeDeleted: includeDeleted}, 0, 0)
	if err != nil {
		t.Fatalf("count routing maps: %v", err)
	}
	return res.TotalSize
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
