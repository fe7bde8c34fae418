// Package storetest is the conformance suite for routemap.Store: the tests
// every store (sqlite, and later postgres) must pass, so that the HTTP
// server and the CLI see the same behaviour whichever database is behind
// them. A store's own test file calls Run with a function that opens a
// fresh, empty store.
//
// The suite checks the contract written on routemap.Store and its types,
// and pins what the contract leaves open, so that stores cannot drift
// apart. It expects nothing of a particular database.
package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"routemap"
	"routemap/sfid"
)

// Run runs the conformance suite against the store open returns.
//
// open is called once by every test that needs a store and must return a
// new, empty store on the wall clock (time.Now). It closes the store with
// t.Cleanup, which must tolerate the test having closed it already. The
// store must not mint ids with pod "zz", which the suite uses for ids of
// records that do not exist. When
// called a second time with the same t, after the test closed the first
// store, open must reopen the same database: the durability tests rely on
// it. A store that cannot be reopened (an in-memory database) calls
// t.Skip on that second call.
func Run(t *testing.T, open func(t *testing.T) routemap.Store) {
	t.Run("Org", func(t *testing.T) { testOrg(t, open) })
	t.Run("User", func(t *testing.T) { testUser(t, open) })
	t.Run("CallCenter", func(t *testing.T) { testCallCenter(t, open) })
	t.Run("Group", func(t *testing.T) { testGroup(t, open) })
	t.Run("ConnectedApp", func(t *testing.T) { testConnectedApp(t, open) })
	t.Run("Session", func(t *testing.T) { testSession(t, open) })
	t.Run("RoutingMap", func(t *testing.T) { testRoutingMap(t, open) })
	t.Run("AllOrNone", func(t *testing.T) { testAllOrNone(t, open) })
	t.Run("Query", func(t *testing.T) { testQuery(t, open) })
	t.Run("Tenancy", func(t *testing.T) { testTenancy(t, open) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, open) })
	t.Run("ID", func(t *testing.T) { testID(t, open) })
	t.Run("Durability", func(t *testing.T) { testDurability(t, open) })
	t.Run("CreateUsers", func(t *testing.T) { testCreateUsers(t, open) })
	t.Run("Job", func(t *testing.T) { testJob(t, open) })
}

// env is one org's records in a store.
type env struct {
	s   routemap.Store
	org *routemap.Org
	// cc is an Amazon Connect contact center with alice, bob and carol as
	// members; cc2 is a partner telephony one with dave.
	cc, cc2 *routemap.CallCenter
	// admin is the actor of routing-map writes; eve and admin are in no
	// contact center.
	admin, alice, bob, carol, dave, eve *routemap.User
	queue                               *routemap.Group
}

// newEnv opens a store and seeds one org.
func newEnv(t *testing.T, open func(*testing.T) routemap.Store) *env {
	t.Helper()
	return seed(t, open(t), "acme")
}

// seed creates an org called name with its contact centers, users and a
// queue. Usernames start with name, so several orgs can share a store.
func seed(t *testing.T, s routemap.Store, name string) *env {
	t.Helper()
	ctx := t.Context()
	e := &env{s: s, org: &routemap.Org{Name: name}}
	if err := s.CreateOrg(ctx, e.org); err != nil {
		t.Fatalf("CreateOrg: %v", err)
	}
	e.cc = &routemap.CallCenter{OrgID: e.org.ID, Name: name + " Voice", InternalName: name + "Voice",
		Provider: routemap.ProviderAmazonConnect, UsernameTemplate: routemap.DefaultUsernameTemplate,
		ConnectInstanceARN: "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"}
	e.cc2 = &routemap.CallCenter{OrgID: e.org.ID, Name: name + " Partner", InternalName: name + "Partner",
		Provider: routemap.ProviderPartner}
	for _, cc := range []*routemap.CallCenter{e.cc, e.cc2} {
		if err := s.CreateCallCenter(ctx, cc); err != nil {
			t.Fatalf("CreateCallCenter: %v", err)
		}
	}
	user := func(alias, first, last string, cc *routemap.CallCenter) *routemap.User {
		u := &routemap.User{OrgID: e.org.ID, Username: name + "." + alias + "@example.com", Alias: alias,
			Email: alias + "@example.com", FirstName: first, LastName: last, IsActive: true,
			Permissions: routemap.Permissions(routemap.PermAPIEnabled | routemap.PermReadRoutingMap)}
		if cc != nil {
			u.CallCenterID = cc.ID
		}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatalf("CreateUser %s: %v", alias, err)
		}
		return u
	}
	e.admin = user("admin", "Ada", "Admin", nil)
	e.alice = user("alice", "Alice", "Archer", e.cc)
	e.bob = user("bob", "", "Baker", e.cc)
	e.carol = user("carol", "Carol", "Cooper", e.cc)
	e.dave = user("dave", "Dave", "Dunn", e.cc2)
	e.eve = user("eve", "Eve", "Evans", nil)
	e.queue = &routemap.Group{OrgID: e.org.ID, Name: "Support", DeveloperName: "Support", Type: "Queue"}
	if err := s.CreateGroup(ctx, e.queue); err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	return e
}

// userMap is the routing map the help article prescribes for u in cc.
func userMap(u *routemap.User, cc *routemap.CallCenter, externalID string) routemap.RoutingMap {
	return routemap.RoutingMap{
		ExternalID:        externalID,
		ReferenceRecordID: u.ID,
		CallCenterID:      cc.ID,
		DeveloperName:     routemap.DeveloperNameFor(u.ID, cc.ID),
		MasterLabel:       routemap.MasterLabelFor(u.ID),
	}
}

// queueMap maps a queue in cc.
func queueMap(g *routemap.Group, cc *routemap.CallCenter, externalID string) routemap.RoutingMap {
	return routemap.RoutingMap{
		ExternalID:        externalID,
		ReferenceRecordID: g.ID,
		CallCenterID:      cc.ID,
		DeveloperName:     g.DeveloperName + "_" + string(cc.ID),
		MasterLabel:       g.Name,
	}
}

func createOp(m routemap.RoutingMap) routemap.RoutingMapOp {
	return routemap.RoutingMapOp{Kind: routemap.OpCreate, Map: m}
}

func updateOp(id sfid.ID, m routemap.RoutingMap, fields ...string) routemap.RoutingMapOp {
	m.ID = id
	return routemap.RoutingMapOp{Kind: routemap.OpUpdate, Map: m, Fields: fields}
}

func deleteOp(id sfid.ID) routemap.RoutingMapOp {
	return routemap.RoutingMapOp{Kind: routemap.OpDelete, Map: routemap.RoutingMap{ID: id}}
}

// apply runs ops as admin and fails the test on a store fault or a
// result count that does not match.
func (e *env) apply(t *testing.T, allOrNone bool, ops ...routemap.RoutingMapOp) []routemap.OpResult {
	t.Helper()
	res, err := e.s.ApplyRoutingMaps(t.Context(), e.org.ID, e.admin.ID, ops, allOrNone)
	if err != nil {
		t.Fatalf("ApplyRoutingMaps: %v", err)
	}
	if len(res) != len(ops) {
		t.Fatalf("ApplyRoutingMaps returned %d results for %d ops", len(res), len(ops))
	}
	return res
}

// create stores m and returns its id, failing the test when it is rejected.
func (e *env) create(t *testing.T, m routemap.RoutingMap) sfid.ID {
	t.Helper()
	res := e.apply(t, false, createOp(m))[0]
	if res.Err != nil {
		t.Fatalf("create routing map %s: %v", m.DeveloperName, res.Err)
	}
	return res.ID
}

// opErr returns the only result's error.
func (e *env) opErr(t *testing.T, op routemap.RoutingMapOp) error {
	t.Helper()
	return e.apply(t, false, op)[0].Err
}

// find returns the routing map id, failing the test when it is missing.
func (e *env) find(t *testing.T, id sfid.ID, includeDeleted bool) *routemap.RoutingMap {
	t.Helper()
	m, err := e.s.FindRoutingMap(t.Context(), e.org.ID, id, includeDeleted)
	if err != nil {
		t.Fatalf("FindRoutingMap(%s): %v", id, err)
	}
	return m
}

// errSummary is what the suite compares of a *routemap.Error.
type errSummary struct {
	Code, Reason string
	Fields       []string
}

// wantErr fails the test unless err is a *routemap.Error with the code
// and reason, and fields when fields is not nil. It returns the error.
func wantErr(t *testing.T, err error, code, reason string, fields []string) *routemap.Error {
	t.Helper()
	var e *routemap.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *routemap.Error %s/%s", err, err, code, reason)
	}
	got := errSummary{e.Code, e.Reason, e.Fields}
	want := errSummary{code, reason, fields}
	if fields == nil {
		got.Fields = nil
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("error %q mismatch (-want +got):\n%s", e.Message, diff)
	}
	if e.Message == "" {
		t.Fatalf("error %s/%s has no message", code, reason)
	}
	return e
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := routemap.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

// clock brackets a store call in wall-clock time, to check the times the
// store stamps.
type clock struct{ from, to time.Time }

func startClock() *clock { return &clock{from: time.Now().Truncate(time.Millisecond)} }

func (c *clock) stop() *clock {
	c.to = time.Now()
	return c
}

// check fails the test unless got lies within the bracket and is stored
// as the contract says: UTC, millisecond precision.
func (c *clock) check(t *testing.T, name string, got time.Time) {
	t.Helper()
	if got.Before(c.from) || got.After(c.to) {
		t.Errorf("%s = %v, want within [%v, %v]", name, got, c.from, c.to)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s location = %v, want UTC", name, got.Location())
	}
	if got.Nanosecond()%int(time.Millisecond) != 0 {
		t.Errorf("%s = %v has sub-millisecond precision", name, got)
	}
}

// otherID is a well-formed id for prefix that the store under test never
// mints (pod "zz", which Run's caller must not give the store), for
// references to records that do not exist.
func otherID(prefix sfid.KeyPrefix, n uint64) sfid.ID {
	id, err := sfid.New(prefix, "zz", n)
	if err != nil {
		panic(err)
	}
	return id
}

// parallel runs fn n times at once and returns the errors in call order.
func parallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// mustParse fails the test unless id is an 18-character id with prefix,
// in the form sfid.Parse returns.
func mustParse(t *testing.T, id sfid.ID, prefix sfid.KeyPrefix) {
	t.Helper()
	got, err := sfid.Parse(string(id))
	if err != nil {
		t.Fatalf("minted id %q does not parse: %v", id, err)
	}
	if got != id {
		t.Fatalf("minted id %q is not canonical, Parse gives %q", id, got)
	}
	if id.Prefix() != prefix {
		t.Fatalf("minted id %q has prefix %q, want %q", id, id.Prefix(), prefix)
	}
}

// ctx is shorthand for a test's context.
func ctx(t *testing.T) context.Context { return t.Context() }

// cmpEmpty makes nil and empty slices equal.
var cmpEmpty = cmpopts.EquateEmpty()
