package salesforce_test

// Tests against the real server: routemap/http over a SQLite store, on
// 127.0.0.1:0. They check that the client and `routemap serve` agree on
// the wire, end to end.

import (
	"context"
	"crypto/x509"
	"encoding/csv"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/bcrypt"

	"routemap"
	rmhttp "routemap/http"
	"routemap/salesforce"
	"routemap/sfid"
	"routemap/sqlite"
)

// org is a seeded tenant of the test server.
type org struct {
	ID           sfid.ID
	Center       *routemap.CallCenter
	Admin        *routemap.User
	Reps         []*routemap.User
	Outsider     *routemap.User
	ClientID     string
	ClientSecret string
}

// server is a running routemap server over a SQLite file.
type server struct {
	t     *testing.T
	store *sqlite.Store
	srv   *rmhttp.Server
	nanos atomic.Int64
}

func (s *server) now() time.Time          { return time.Unix(0, s.nanos.Load()).UTC() }
func (s *server) advance(d time.Duration) { s.nanos.Add(int64(d)) }
func (s *server) URL() string             { return s.srv.URL() }
func (s *server) ctx() context.Context    { return context.Background() }
func (s *server) must(err error, what string) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
}

func newServer(t *testing.T) *server {
	t.Helper()
	s := &server{t: t}
	s.nanos.Store(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixNano())
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "routemap.db"), sqlite.Options{Now: s.now})
	if err != nil {
		t.Fatal(err)
	}
	s.store = store
	srv := rmhttp.NewServer(store)
	srv.Addr = "127.0.0.1:0"
	srv.Now = s.now
	if err := srv.Open(); err != nil {
		store.Close()
		t.Fatal(err)
	}
	s.srv = srv
	t.Cleanup(func() {
		srv.Close()
		store.Close()
	})
	return s
}

// seed creates an org with an Amazon Connect contact center, an admin,
// n reps in the center, a user outside it, and a connected app that runs
// as the admin and accepts JWTs signed with testKey.
func (s *server) seed(name string, n int) *org {
	s.t.Helper()
	ctx := s.ctx()
	o := &org{}
	tenant := &routemap.Org{Name: name}
	s.must(s.store.CreateOrg(ctx, tenant), "create org")
	o.ID = tenant.ID
	o.Center = &routemap.CallCenter{OrgID: o.ID, Name: name + " Connect", InternalName: name + "Connect", Provider: routemap.ProviderAmazonConnect,
		ConnectInstanceARN: "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"}
	s.must(s.store.CreateCallCenter(ctx, o.Center), "create call center")
	user := func(login string, perms routemap.Permissions, center sfid.ID) *routemap.User {
		return &routemap.User{OrgID: o.ID, Username: login + "@" + strings.ToLower(name) + ".test", Alias: login[:min(len(login), 8)],
			Email: login + "@example.com", FirstName: "Test", LastName: login, IsActive: true, Permissions: perms, CallCenterID: center}
	}
	o.Admin = user("admin", routemap.AdminPermissions, "")
	o.Outsider = user("outsider", routemap.Permissions(routemap.PermAPIEnabled), "")
	users := []*routemap.User{o.Admin, o.Outsider}
	for i := 0; i < n; i++ {
		rep := user(fmt.Sprintf("rep%03d", i), routemap.Permissions(routemap.PermAPIEnabled), o.Center.ID)
		o.Reps = append(o.Reps, rep)
		users = append(users, rep)
	}
	s.must(s.store.CreateUsers(ctx, users), "create users")
	pub, err := x509.MarshalPKIXPublicKey(&testKey().PublicKey)
	s.must(err, "marshal public key")
	o.ClientID, o.ClientSecret = "3MVG9client"+name, "secret-"+name
	hash, err := bcrypt.GenerateFromPassword([]byte(o.ClientSecret), bcrypt.MinCost)
	s.must(err, "hash secret")
	s.must(s.store.CreateConnectedApp(ctx, &routemap.ConnectedApp{OrgID: o.ID, Name: "routemap CLI", ClientID: o.ClientID, SecretHash: string(hash),
		RunAsUserID: o.Admin.ID, CertificatePEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))}), "create connected app")
	return o
}

// client returns a client logged in with client credentials.
func (s *server) client(o *org, configure ...func(*salesforce.Options)) (*salesforce.Client, *salesforce.ClientCredentials) {
	s.t.Helper()
	auth := &salesforce.ClientCredentials{URL: s.URL(), ClientID: o.ClientID, ClientSecret: o.ClientSecret}
	opts := salesforce.Options{Auth: auth, Now: s.now}
	for _, f := range configure {
		f(&opts)
	}
	c, err := salesforce.New(s.URL(), opts)
	s.must(err, "new client")
	return c, auth
}

func agentARN(o *org, i int) string {
	return o.Center.ConnectInstanceARN + fmt.Sprintf("/agent/3b2a1c0d-4e5f-4a6b-9c8d-%012x", i)
}

// mapFields is a valid routing map for rep i of o.
func mapFields(o *org, i int) map[string]any {
	rep := o.Reps[i]
	return salesforce.RoutingMapFields(&routemap.RoutingMap{
		ExternalID: agentARN(o, i), ReferenceRecordID: rep.ID, CallCenterID: o.Center.ID,
		DeveloperName: routemap.DeveloperNameFor(rep.ID, o.Center.ID), MasterLabel: routemap.MasterLabelFor(rep.ID),
		QuickConnect: fmt.Sprintf("6c5d4e3f-2a1b-4c0d-9e8f-%012x", i),
	})
}

func TestServer(t *testing.T) {
	s := newServer(t)
	o := s.seed("Acme", 3)
	s.seed("Other", 1) // a second tenant the client must never see
	c, _ := s.client(o)
	ctx := s.ctx()

	t.Run("Identity", func(t *testing.T) {
		id, err := c.Identity(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if id.OrgID != o.ID || id.UserID != o.Admin.ID || id.Username != o.Admin.Username {
			t.Errorf("identity = %+v", id)
		}
		org, err := c.OrgID(ctx)
		if err != nil || org != o.ID {
			t.Errorf("OrgID = %s, %v", org, err)
		}
		versions, err := c.Versions(ctx)
		if err != nil || !slices.ContainsFunc(versions, func(v salesforce.Version) bool { return v.Version == "62.0" }) {
			t.Errorf("versions = %v, %v", versions, err)
		}
		if l := c.Limits(); l.Used == 0 || l.Max == 0 {
			t.Errorf("limits not read: %+v", l)
		}
	})

	var firstID string
	t.Run("CreateRetrieveQuery", func(t *testing.T) {
		id, err := c.Create(ctx, routemap.ObjectRoutingMap, mapFields(o, 0))
		if err != nil {
			t.Fatal(err)
		}
		firstID = id
		rec, err := c.Retrieve(ctx, routemap.ObjectRoutingMap, id, "Id", "ExternalId", "QuickConnect")
		if err != nil {
			t.Fatal(err)
		}
		if rec.ID() != sfid.ID(id) || rec.String("ExternalId") != agentARN(o, 0) {
			t.Errorf("retrieved %v", rec)
		}
		var names []string
		err = c.Query(ctx, "SELECT Id, DeveloperName, ReferenceRecord.Name FROM CallCenterRoutingMap WHERE DeveloperName = "+
			salesforce.QuoteString(routemap.DeveloperNameFor(o.Reps[0].ID, o.Center.ID)), func(rec salesforce.Record) error {
			names = append(names, rec.String("DeveloperName")+" "+rec.String("ReferenceRecord.Name"))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{routemap.DeveloperNameFor(o.Reps[0].ID, o.Center.ID) + " Test rep000"}; !slices.Equal(names, want) {
			t.Errorf("query = %q, want %q", names, want)
		}
		// A quote in a literal cannot break out of it.
		n := 0
		err = c.Query(ctx, "SELECT Id FROM CallCenterRoutingMap WHERE ExternalId = "+salesforce.QuoteString("x' OR ExternalId != 'y"), func(salesforce.Record) error { n++; return nil })
		if err != nil || n != 0 {
			t.Errorf("escaped query matched %d, %v", n, err)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		_, err := c.Create(ctx, routemap.ObjectRoutingMap, mapFields(o, 0))
		if got := routemap.ErrorCode(err); got != routemap.ECONFLICT {
			t.Errorf("duplicate: %s %v", got, err)
		}
		missing := mapFields(o, 1)
		delete(missing, routemap.FieldCallCenterID)
		_, err = c.Create(ctx, routemap.ObjectRoutingMap, missing)
		var e *routemap.Error
		if !errors.As(err, &e) || e.Code != routemap.EINVALID || e.Reason != "REQUIRED_FIELD_MISSING" || !slices.Contains(e.Fields, routemap.FieldCallCenterID) {
			t.Errorf("missing field: %#v", err)
		}
		_, err = c.Retrieve(ctx, routemap.ObjectRoutingMap, string(mintID(t, 999999)))
		if routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Errorf("unknown id: %v", err)
		}
		err = c.Query(ctx, "SELECT Nope FROM CallCenterRoutingMap", func(salesforce.Record) error { return nil })
		if !errors.As(err, &e) || e.Code != routemap.EINVALID || e.Reason != "INVALID_FIELD" {
			t.Errorf("bad column: %#v", err)
		}
	})

	var ids []string
	t.Run("CreateManyUpdateMany", func(t *testing.T) {
		bad := mapFields(o, 2)
		bad[routemap.FieldReferenceRecordID] = string(o.Outsider.ID)
		bad[routemap.FieldDeveloperName] = routemap.DeveloperNameFor(o.Outsider.ID, o.Center.ID)
		bad[routemap.FieldMasterLabel] = string(o.Outsider.ID)
		results, err := c.CreateMany(ctx, routemap.ObjectRoutingMap, []map[string]any{mapFields(o, 1), bad, mapFields(o, 2)}, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(results) != 3 || !results[0].Success || results[1].Success || !results[2].Success || results[1].Err == nil || results[1].ID != "" {
			t.Fatalf("results = %+v", results)
		}
		if !results[0].Created {
			t.Errorf("Created = false for an insert")
		}
		ids = []string{firstID, results[0].ID, results[2].ID}
		var upd []map[string]any
		for i, id := range ids {
			upd = append(upd, map[string]any{"Id": id, routemap.FieldExternalID: agentARN(o, 100+i), routemap.FieldQuickConnect: nil})
		}
		results, err = c.UpdateMany(ctx, routemap.ObjectRoutingMap, upd, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range results {
			if !r.Success || r.ID != ids[i] || r.Created {
				t.Errorf("update result %d = %+v", i, r)
			}
		}
		if err := c.Update(ctx, routemap.ObjectRoutingMap, ids[0], map[string]any{routemap.FieldQuickConnect: "6c5d4e3f-2a1b-4c0d-9e8f-1a2b3c4d5e6f"}); err != nil {
			t.Fatal(err)
		}
		recs, err := c.RetrieveMany(ctx, routemap.ObjectRoutingMap, append(slices.Clone(ids), string(mintID(t, 999999))), []string{"Id", "ExternalId"})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 4 || recs[1].String("ExternalId") != agentARN(o, 101) || recs[3] != nil {
			t.Errorf("RetrieveMany = %v", recs)
		}
	})

	t.Run("RoutingMapsMembersCallCenter", func(t *testing.T) {
		got := map[sfid.ID]routemap.RoutingMap{}
		if err := c.RoutingMaps(ctx, o.Center.ID, func(m routemap.RoutingMap) error { got[m.ReferenceRecordID] = m; return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("maps = %v", got)
		}
		m := got[o.Reps[0].ID]
		want := routemap.RoutingMap{ID: sfid.ID(ids[0]), ExternalID: agentARN(o, 100), ReferenceRecordID: o.Reps[0].ID, CallCenterID: o.Center.ID,
			DeveloperName: routemap.DeveloperNameFor(o.Reps[0].ID, o.Center.ID), MasterLabel: string(o.Reps[0].ID),
			QuickConnect: "6c5d4e3f-2a1b-4c0d-9e8f-1a2b3c4d5e6f", Language: m.Language}
		if m != want {
			t.Errorf("map = %+v\nwant %+v", m, want)
		}
		if got[o.Reps[1].ID].QuickConnect != "" {
			t.Errorf("QuickConnect not cleared: %+v", got[o.Reps[1].ID])
		}
		all := 0
		if err := c.RoutingMaps(ctx, "", func(routemap.RoutingMap) error { all++; return nil }); err != nil || all != 3 {
			t.Errorf("all maps = %d, %v", all, err)
		}

		var members []string
		if err := c.Members(ctx, o.Center.ID, func(u routemap.User) error {
			if u.OrgID != o.ID || u.CallCenterID != o.Center.ID || !u.IsActive {
				t.Errorf("member %+v", u)
			}
			members = append(members, u.Username)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(members)
		if want := []string{o.Reps[0].Username, o.Reps[1].Username, o.Reps[2].Username}; !slices.Equal(members, want) {
			t.Errorf("members = %v, want %v", members, want)
		}
		n := 0
		if err := c.Members(ctx, "", func(routemap.User) error { n++; return nil }); err != nil || n != 3 {
			t.Errorf("members of any center = %d, %v", n, err)
		}

		cc, err := c.CallCenter(ctx, o.Center.ID)
		if err != nil {
			t.Fatal(err)
		}
		want2 := &routemap.CallCenter{ID: o.Center.ID, OrgID: o.ID, Name: o.Center.Name, InternalName: o.Center.InternalName,
			Provider: routemap.ProviderAmazonConnect, ConnectInstanceARN: o.Center.ConnectInstanceARN}
		if *cc != *want2 {
			t.Errorf("call center = %+v\nwant %+v", cc, want2)
		}
		if _, err := c.CallCenter(ctx, "04vHs000000XyZaIAK"); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Errorf("unknown call center: %v", err)
		}
	})

	t.Run("DeleteMany", func(t *testing.T) {
		results, err := c.DeleteMany(ctx, ids, false)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range results {
			if !r.Success || r.ID != ids[i] {
				t.Errorf("delete result %d = %+v", i, r)
			}
		}
		n := 0
		if err := c.RoutingMaps(ctx, o.Center.ID, func(routemap.RoutingMap) error { n++; return nil }); err != nil || n != 0 {
			t.Errorf("maps left = %d, %v", n, err)
		}
		if err := c.Delete(ctx, routemap.ObjectRoutingMap, ids[0]); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Errorf("delete a deleted map: %v", err)
		}
		deleted := 0
		if err := c.QueryAll(ctx, "SELECT Id, IsDeleted FROM CallCenterRoutingMap", func(rec salesforce.Record) error {
			if rec.Bool("IsDeleted") {
				deleted++
			}
			return nil
		}); err != nil || deleted != 3 {
			t.Errorf("queryAll saw %d deleted, %v", deleted, err)
		}
	})
}

// httpPostForm posts a form and returns the status.
func httpPostForm(target string, form url.Values) (int, error) {
	resp, err := http.PostForm(target, form)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// counter is a RoundTripper that counts requests by method and path
// prefix before passing them on.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	key := req.Method + " " + req.URL.Path
	if i := strings.Index(key, "/query/"); i >= 0 {
		key = key[:i+len("/query/")]
	}
	c.mu.Lock()
	c.n[key]++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// TestServerPaging writes 450 maps, which the client sends as 200, 200
// and 50, and reads them back in query pages of 200, 200 and 50.
func TestServerPaging(t *testing.T) {
	s := newServer(t)
	o := s.seed("Big", 450)
	count := &counter{n: map[string]int{}}
	c, _ := s.client(o, func(opts *salesforce.Options) {
		opts.QueryBatchSize = 200
		opts.HTTPClient = &http.Client{Transport: count}
	})
	ctx := s.ctx()
	records := make([]map[string]any, len(o.Reps))
	for i := range records {
		records[i] = mapFields(o, i)
	}
	results, err := c.CreateMany(ctx, routemap.ObjectRoutingMap, records, false)
	if err != nil {
		t.Fatal(err)
	}
	byRep := map[sfid.ID]string{}
	for i, r := range results {
		if !r.Success {
			t.Fatalf("result %d: %v", i, r.Err)
		}
		byRep[o.Reps[i].ID] = r.ID
	}
	seen := 0
	if err := c.RoutingMaps(ctx, o.Center.ID, func(m routemap.RoutingMap) error {
		seen++
		if byRep[m.ReferenceRecordID] != string(m.ID) {
			t.Errorf("map %s for %s: results said %s", m.ID, m.ReferenceRecordID, byRep[m.ReferenceRecordID])
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if seen != 450 {
		t.Errorf("read %d maps, want 450", seen)
	}
	want := map[string]int{"POST /services/data/v62.0/composite/sobjects": 3, "GET /services/data/v62.0/query": 1, "GET /services/data/v62.0/query/": 2}
	if diff := cmp.Diff(want, count.n); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestServerAuth(t *testing.T) {
	s := newServer(t)
	o := s.seed("Auth", 1)
	ctx := s.ctx()

	t.Run("OKRenewsRevokedToken", func(t *testing.T) {
		c, auth := s.client(o)
		if _, err := c.Identity(ctx); err != nil {
			t.Fatal(err)
		}
		tok, err := auth.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := httpPostForm(s.URL()+"/services/oauth2/revoke", url.Values{"token": {tok.AccessToken}})
		if err != nil || resp != 200 {
			t.Fatalf("revoke: %d %v", resp, err)
		}
		n := 0
		if err := c.Members(ctx, o.Center.ID, func(routemap.User) error { n++; return nil }); err != nil || n != 1 {
			t.Fatalf("after revoke: %d, %v", n, err)
		}
		fresh, _ := auth.Token(ctx)
		if fresh.AccessToken == tok.AccessToken {
			t.Error("token was not renewed")
		}
	})

	t.Run("ErrStaticTokenExpired", func(t *testing.T) {
		resp, err := s.srv.IssueToken(ctx, o.Admin, "")
		if err != nil {
			t.Fatal(err)
		}
		c, err := salesforce.New(s.URL(), salesforce.Options{Auth: salesforce.StaticToken{AccessToken: resp.AccessToken}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Identity(ctx); err != nil {
			t.Fatalf("fresh static token: %v", err)
		}
		s.advance(rmhttp.DefaultTokenTTL + time.Minute)
		defer s.advance(-rmhttp.DefaultTokenTTL - time.Minute)
		_, err = c.Retrieve(ctx, routemap.ObjectUser, string(o.Admin.ID))
		var e *routemap.Error
		if !errors.As(err, &e) || e.Code != routemap.EUNAUTHORIZED || !strings.Contains(e.Message, "log in again") {
			t.Fatalf("expired static token: %#v", err)
		}
	})

	t.Run("ErrBadSecret", func(t *testing.T) {
		auth := &salesforce.ClientCredentials{URL: s.URL(), ClientID: o.ClientID, ClientSecret: "wrong"}
		c, err := salesforce.New(s.URL(), salesforce.Options{Auth: auth})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Identity(ctx)
		var e *routemap.Error
		if !errors.As(err, &e) || e.Code != routemap.EUNAUTHORIZED || e.Reason != "invalid_client" {
			t.Fatalf("bad secret: %#v", err)
		}
	})

	t.Run("OKJWTBearer", func(t *testing.T) {
		auth := &salesforce.JWTBearer{LoginURL: s.URL(), ClientID: o.ClientID, Username: o.Admin.Username, Key: testKey(), Now: s.now}
		c, err := salesforce.New("", salesforce.Options{Auth: auth})
		if err != nil {
			t.Fatal(err)
		}
		id, err := c.Identity(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if id.UserID != o.Admin.ID {
			t.Errorf("identity = %+v", id)
		}
	})

	t.Run("ErrJWTUnknownUser", func(t *testing.T) {
		auth := &salesforce.JWTBearer{LoginURL: s.URL(), ClientID: o.ClientID, Username: "nobody@auth.test", Key: testKey(), Now: s.now}
		c, _ := salesforce.New("", salesforce.Options{Auth: auth})
		if _, err := c.Identity(ctx); routemap.ErrorCode(err) != routemap.EUNAUTHORIZED {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestServerBulk runs an insert job through the server's Bulk API 2.0.
func TestServerBulk(t *testing.T) {
	s := newServer(t)
	o := s.seed("Bulk", 3)
	c, _ := s.client(o)
	ctx, cancel := context.WithTimeout(s.ctx(), 30*time.Second)
	defer cancel()

	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"ExternalId", "ReferenceRecordId", "CallCenterId", "DeveloperName", "MasterLabel"})
	for i, rep := range o.Reps {
		w.Write([]string{agentARN(o, i), string(rep.ID), string(o.Center.ID), routemap.DeveloperNameFor(rep.ID, o.Center.ID), string(rep.ID)})
	}
	w.Write([]string{agentARN(o, 9), string(o.Outsider.ID), string(o.Center.ID), routemap.DeveloperNameFor(o.Outsider.ID, o.Center.ID), string(o.Outsider.ID)})
	w.Flush()

	job, err := c.SubmitJob(ctx, salesforce.JobRequest{Object: routemap.ObjectRoutingMap, Operation: salesforce.OperationInsert}, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	job, err = c.WaitJob(ctx, job.ID, salesforce.WaitOptions{Interval: 5 * time.Millisecond, MaxInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if job.State != salesforce.JobComplete || job.NumberRecordsProcessed != 4 || job.NumberRecordsFailed != 1 {
		t.Fatalf("job = %+v", job)
	}
	read := func(open func(context.Context, string) (io.ReadCloser, error)) [][]string {
		rc, err := open(ctx, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		rows, err := csv.NewReader(rc).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	ok := read(c.SuccessfulResults)
	if len(ok) != 4 || ok[0][0] != "sf__Id" || ok[0][1] != "sf__Created" {
		t.Errorf("successful results = %q", ok)
	}
	failed := read(c.FailedResults)
	if len(failed) != 2 || failed[0][1] != "sf__Error" {
		t.Fatalf("failed results = %q", failed)
	}
	if e := salesforce.ParseBulkError(failed[1][1]); e.Reason == "" || e.Code == routemap.EINTERNAL {
		t.Errorf("sf__Error %q parsed as %+v", failed[1][1], e)
	}
	jobs, err := c.Jobs(ctx)
	if err != nil || len(jobs) != 1 || jobs[0].ID != job.ID {
		t.Errorf("jobs = %v, %v", jobs, err)
	}
	if err := c.DeleteJob(ctx, job.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Job(ctx, job.ID); routemap.ErrorCode(err) != routemap.ENOTFOUND {
		t.Errorf("deleted job: %v", err)
	}
}
