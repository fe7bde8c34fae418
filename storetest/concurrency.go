package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
)

// racers is how many callers race for one value.
const racers = 20

// members creates n users in e's contact center cc.
func (e *env) members(t *testing.T, n int) []*routemap.User {
	t.Helper()
	out := make([]*routemap.User, n)
	for i := range out {
		u := &routemap.User{OrgID: e.org.ID, Username: fmt.Sprintf("%s.member%d@example.com", e.org.Name, i),
			Alias: fmt.Sprintf("m%d", i), Email: "m@example.com", LastName: "Member", IsActive: true, CallCenterID: e.cc.ID}
		if err := e.s.CreateUser(ctx(t), u); err != nil {
			t.Fatal(err)
		}
		out[i] = u
	}
	return out
}

// race has racers callers each create the map build(i) at once and checks
// that exactly one succeeds and every other one fails with reason, naming
// the winner.
func race(t *testing.T, e *env, reason string, build func(i int) routemap.RoutingMap) {
	t.Helper()
	results := make([]routemap.OpResult, racers)
	errs := parallel(racers, func(i int) error {
		res, err := e.s.ApplyRoutingMaps(ctx(t), e.org.ID, e.admin.ID, []routemap.RoutingMapOp{createOp(build(i))}, false)
		if err != nil {
			return err
		}
		results[i] = res[0]
		return nil
	})
	var winner sfid.ID
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: store fault %v", i, err)
		}
		if results[i].Err == nil {
			if winner != "" {
				t.Fatalf("two callers won: %s and %s", winner, results[i].ID)
			}
			winner = results[i].ID
		}
	}
	if winner == "" {
		t.Fatalf("no caller won")
	}
	for i, r := range results {
		if r.Err == nil {
			continue
		}
		e := wantErr(t, r.Err, routemap.ECONFLICT, reason, nil)
		if !strings.Contains(e.Message, string(winner)) {
			t.Errorf("caller %d: message %q does not name the winner %s", i, e.Message, winner)
		}
	}
	if got := countMaps(t, e, false); got != 1 {
		t.Errorf("%d maps stored, want 1", got)
	}
}

func testConcurrency(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("ErrDuplicateDeveloperNameRace", func(t *testing.T) {
		e := newEnv(t, open)
		users := e.members(t, racers)
		race(t, e, routemap.ReasonDuplicateDeveloperName, func(i int) routemap.RoutingMap {
			m := userMap(users[i], e.cc, fmt.Sprintf("ext-%d", i))
			m.DeveloperName = "Contested"
			if i%2 == 1 {
				m.DeveloperName = "CONTESTED"
			}
			return m
		})
	})
	t.Run("ErrDuplicateUserRace", func(t *testing.T) {
		e := newEnv(t, open)
		race(t, e, routemap.ReasonDuplicateUser, func(i int) routemap.RoutingMap {
			m := userMap(e.alice, e.cc, fmt.Sprintf("ext-%d", i))
			m.DeveloperName = fmt.Sprintf("Alice_%d", i)
			return m
		})
	})
	t.Run("ErrDuplicateExternalIDRace", func(t *testing.T) {
		e := newEnv(t, open)
		users := e.members(t, racers)
		race(t, e, routemap.ReasonDuplicateExternalID, func(i int) routemap.RoutingMap {
			return userMap(users[i], e.cc, "contested-ext")
		})
	})
	t.Run("ErrDuplicateUsernameRace", func(t *testing.T) {
		e := newEnv(t, open)
		errs := parallel(racers, func(i int) error {
			return e.s.CreateUser(ctx(t), &routemap.User{OrgID: e.org.ID, Username: "contested@example.com",
				Alias: "c", Email: "c@example.com", LastName: "C"})
		})
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			wantErr(t, err, routemap.ECONFLICT, routemap.ReasonDuplicateUsername, nil)
		}
		if ok != 1 {
			t.Errorf("%d callers created the username, want 1", ok)
		}
	})
	t.Run("OKDistinctWriters", func(t *testing.T) {
		e := newEnv(t, open)
		const n = 50
		users := e.members(t, n)
		ids := make([]sfid.ID, n)
		errs := parallel(n, func(i int) error {
			res, err := e.s.ApplyRoutingMaps(ctx(t), e.org.ID, e.admin.ID,
				[]routemap.RoutingMapOp{createOp(userMap(users[i], e.cc, fmt.Sprintf("ext-%d", i)))}, i%2 == 0)
			if err != nil {
				return err
			}
			ids[i] = res[0].ID
			return res[0].Err
		})
		seen := map[sfid.ID]bool{}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("caller %d: %v", i, err)
			}
			mustParse(t, ids[i], sfid.PrefixRoutingMap)
			if seen[ids[i]] {
				t.Fatalf("id %s minted twice", ids[i])
			}
			seen[ids[i]] = true
		}
		if got := countMaps(t, e, false); got != n {
			t.Errorf("%d maps stored, want %d", got, n)
		}
	})
	t.Run("OKCallsStayIndependent", func(t *testing.T) {
		// Failing all-or-none calls running beside good ones roll back
		// only themselves.
		e := newEnv(t, open)
		const n = 20
		users := e.members(t, 2*n)
		results := make([][]routemap.OpResult, n)
		errs := parallel(n, func(i int) error {
			good := createOp(userMap(users[i], e.cc, fmt.Sprintf("good-%d", i)))
			ops := []routemap.RoutingMapOp{good}
			if i%2 == 1 {
				bad := createOp(userMap(e.eve, e.cc, fmt.Sprintf("bad-%d", i))) // eve is no member
				ops = append(ops, createOp(userMap(users[n+i], e.cc, fmt.Sprintf("more-%d", i))), bad)
			}
			res, err := e.s.ApplyRoutingMaps(ctx(t), e.org.ID, e.admin.ID, ops, true)
			results[i] = res
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("caller %d: %v", i, err)
			}
			if i%2 == 0 {
				if results[i][0].Err != nil {
					t.Errorf("caller %d: %v", i, results[i][0].Err)
				}
				continue
			}
			wantErr(t, results[i][0].Err, routemap.EINVALID, routemap.ReasonRolledBack, nil)
			wantErr(t, results[i][2].Err, routemap.EINVALID, routemap.ReasonNotMember, nil)
		}
		if got := countMaps(t, e, true); got != n/2 {
			t.Errorf("%d maps stored, want %d", got, n/2)
		}
	})
}

func testID(t *testing.T, open func(*testing.T) routemap.Store) {
	e := newEnv(t, open)
	other := seed(t, e.s, "globex")
	app := &routemap.ConnectedApp{OrgID: e.org.ID, Name: "App", ClientID: "id-test"}
	if err := e.s.CreateConnectedApp(ctx(t), app); err != nil {
		t.Fatal(err)
	}
	mapID := e.create(t, userMap(e.alice, e.cc, "ext"))
	queueMapID := e.create(t, queueMap(e.queue, e.cc, "queue"))
	minted := map[sfid.ID]sfid.KeyPrefix{app.ID: sfid.PrefixConnectedApp, mapID: sfid.PrefixRoutingMap, queueMapID: sfid.PrefixRoutingMap}
	for _, x := range []*env{e, other} {
		minted[x.org.ID] = sfid.PrefixOrganization
		minted[x.cc.ID] = sfid.PrefixCallCenter
		minted[x.cc2.ID] = sfid.PrefixCallCenter
		minted[x.queue.ID] = sfid.PrefixGroup
		for _, u := range []*routemap.User{x.admin, x.alice, x.bob, x.carol, x.dave, x.eve} {
			minted[u.ID] = sfid.PrefixUser
		}
	}
	if len(minted) != 2*(1+2+1+6)+3 {
		t.Fatalf("%d distinct ids minted, want %d: an id was handed out twice", len(minted), 2*(1+2+1+6)+3)
	}
	for id, prefix := range minted {
		t.Run(string(id), func(t *testing.T) { mustParse(t, id, prefix) })
	}
}

func testDurability(t *testing.T, open func(*testing.T) routemap.Store) {
	t.Run("OKReopen", func(t *testing.T) {
		e := newEnv(t, open)
		id := e.create(t, userMap(e.alice, e.cc, agentARN+"a1"))
		deleted := e.create(t, userMap(e.bob, e.cc, agentARN+"b1"))
		if err := e.opErr(t, deleteOp(deleted)); err != nil {
			t.Fatal(err)
		}
		m := e.find(t, id, false)
		dm := e.find(t, deleted, true)
		if err := e.s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		s := open(t)
		for _, want := range []*routemap.RoutingMap{m, dm} {
			got, err := s.FindRoutingMap(ctx(t), e.org.ID, want.ID, true)
			if err != nil {
				t.Fatalf("after reopen: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("after reopen map %s (-before +after):\n%s", want.ID, diff)
			}
		}
		u, err := s.FindUser(ctx(t), e.org.ID, e.alice.ID)
		if err != nil {
			t.Fatalf("after reopen: %v", err)
		}
		if u.Username != e.alice.Username {
			t.Errorf("after reopen Username = %q, want %q", u.Username, e.alice.Username)
		}

		// Ids minted after the restart are new.
		e2 := &env{s: s, org: e.org, cc: e.cc, admin: e.admin}
		id2 := e2.create(t, userMap(e.carol, e.cc, agentARN+"c1"))
		org2 := &routemap.Org{Name: "after"}
		if err := s.CreateOrg(ctx(t), org2); err != nil {
			t.Fatal(err)
		}
		for _, old := range []sfid.ID{id, deleted} {
			if id2 == old {
				t.Errorf("id %s minted again after reopen", old)
			}
		}
		if org2.ID == e.org.ID {
			t.Errorf("org id %s minted again after reopen", org2.ID)
		}
	})
}
