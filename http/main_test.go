package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routemap"
	rmhttp "routemap/http"
	"routemap/sfid"
	"routemap/sqlite"
)

// org is a seeded tenant: an Amazon Connect contact center, an admin, a
// read-only viewer, members without maps, a non-member and an OAuth client.
type org struct {
	ID           sfid.ID
	Center       *routemap.CallCenter
	Admin        *routemap.User
	Viewer       *routemap.User
	Reps         []*routemap.User
	Outsider     *routemap.User
	ClientID     string
	ClientSecret string
}

const password = "correct horse battery staple"

// env is a running server over a real SQLite file.
type env struct {
	t     *testing.T
	store *sqlite.Store
	srv   *rmhttp.Server
	nanos atomic.Int64
}

// clock is the injected time, safe to read from the server's goroutines.
func (e *env) clock() time.Time { return time.Unix(0, e.nanos.Load()).UTC() }

// advance moves the clock.
func (e *env) advance(d time.Duration) { e.nanos.Add(int64(d)) }

// newEnv starts a server on 127.0.0.1:0 with its own store.
func newEnv(t *testing.T, configure ...func(*rmhttp.Server)) *env {
	t.Helper()
	e := &env{t: t}
	e.nanos.Store(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixNano())
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "routemap.db"), sqlite.Options{Now: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.store = store
	srv := rmhttp.NewServer(store)
	srv.Addr = "127.0.0.1:0"
	srv.Now = e.clock
	for _, f := range configure {
		f(srv)
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	t.Cleanup(func() {
		srv.Close()
		store.Close()
	})
	return e
}

var hashed = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

// seed creates an org named name with n reps.
func (e *env) seed(name string, n int) *org {
	e.t.Helper()
	ctx := context.Background()
	o := &org{}
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	tenant := &routemap.Org{Name: name}
	must(e.store.CreateOrg(ctx, tenant))
	o.ID = tenant.ID
	o.Center = &routemap.CallCenter{OrgID: o.ID, Name: name + " Connect", InternalName: name + "Connect", Provider: routemap.ProviderAmazonConnect,
		ConnectInstanceARN: "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"}
	must(e.store.CreateCallCenter(ctx, o.Center))
	user := func(login string, perms routemap.Permissions, center sfid.ID) *routemap.User {
		u := &routemap.User{OrgID: o.ID, Username: login + "@" + strings.ToLower(name) + ".test", Alias: login[:min(len(login), 8)],
			Email: login + "@example.com", FirstName: "Test", LastName: login, IsActive: true, Permissions: perms, CallCenterID: center, PasswordHash: hashed}
		must(e.store.CreateUser(ctx, u))
		return u
	}
	o.Admin = user("admin", routemap.AdminPermissions, "")
	o.Viewer = user("viewer", routemap.Permissions(routemap.PermReadRoutingMap|routemap.PermAPIEnabled), "")
	for i := 0; i < n; i++ {
		login := fmt.Sprintf("rep%05d", i)
		o.Reps = append(o.Reps, &routemap.User{OrgID: o.ID, Username: login + "@" + strings.ToLower(name) + ".test", Alias: fmt.Sprintf("r%d", i),
			Email: login + "@example.com", FirstName: "Rep", LastName: login, IsActive: true,
			Permissions: routemap.Permissions(routemap.PermAPIEnabled), CallCenterID: o.Center.ID, PasswordHash: hashed})
	}
	must(e.store.CreateUsers(ctx, o.Reps))
	o.Outsider = user("outsider", routemap.Permissions(routemap.PermAPIEnabled), "")
	o.ClientID, o.ClientSecret = "3MVG9client"+name, "secret-"+name
	secretHash, _ := bcrypt.GenerateFromPassword([]byte(o.ClientSecret), bcrypt.MinCost)
	must(e.store.CreateConnectedApp(ctx, &routemap.ConnectedApp{OrgID: o.ID, Name: "CLI", ClientID: o.ClientID, SecretHash: string(secretHash), RunAsUserID: o.Admin.ID}))
	return o
}

// login returns an access token for user through the password grant.
func (e *env) login(o *org, u *routemap.User) string {
	e.t.Helper()
	status, body := e.form("/services/oauth2/token", url.Values{
		"grant_type": {"password"}, "client_id": {o.ClientID}, "client_secret": {o.ClientSecret},
		"username": {u.Username}, "password": {password},
	})
	if status != 200 {
		e.t.Fatalf("login %s: %d %s", u.Username, status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal(body, &tok)
	return tok.AccessToken
}

func (e *env) form(path string, v url.Values) (int, []byte) {
	e.t.Helper()
	resp, err := http.PostForm(e.srv.URL()+path, v)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *response) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// errorCode returns the errorCode of a single-error answer.
func (r *response) errorCode(t *testing.T) string {
	t.Helper()
	var list []struct {
		ErrorCode string   `json:"errorCode"`
		Message   string   `json:"message"`
		Fields    []string `json:"fields"`
	}
	r.JSON(t, &list)
	if len(list) == 0 {
		t.Fatalf("empty error list: %s", r.Body)
	}
	return list[0].ErrorCode
}

// do sends a request with a bearer token; body is JSON-encoded unless it
// is a string or nil.
func (e *env) do(method, path, token string, body any) *response {
	e.t.Helper()
	return e.doWith(method, path, token, nil, body)
}

// doWith is do with extra request headers.
func (e *env) doWith(method, path, token string, header http.Header, body any) *response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, e.srv.URL()+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if len(b) > 0 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		e.t.Errorf("%s %s: content type %q for body %s", method, path, resp.Header.Get("Content-Type"), b)
	}
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

const v62 = "/services/data/v62.0"

// mapFor returns a valid routing map body for a rep of o.
func mapFor(o *org, rep *routemap.User, agent string) map[string]any {
	return map[string]any{
		"ExternalId":        o.Center.ConnectInstanceARN + "/agent/" + agent,
		"ReferenceRecordId": string(rep.ID),
		"CallCenterId":      string(o.Center.ID),
		"DeveloperName":     routemap.DeveloperNameFor(rep.ID, o.Center.ID),
		"MasterLabel":       string(rep.ID),
		"QuickConnect":      "6c5d4e3f-2a1b-4c0d-9e8f-" + agent[len(agent)-12:],
	}
}

func agentID(i int) string {
	const hex = "0123456789abcdef"
	b := []byte("3b2a1c0d-4e5f-4a6b-9c8d-000000000000")
	for j := len(b) - 1; i > 0; j-- {
		b[j] = hex[i%16]
		i /= 16
	}
	return string(b)
}

// create creates a routing map and returns its id.
func (e *env) create(token string, body map[string]any) sfid.ID {
	e.t.Helper()
	r := e.do("POST", v62+"/sobjects/CallCenterRoutingMap", token, body)
	if r.Status != 201 {
		e.t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var res struct {
		ID sfid.ID `json:"id"`
	}
	r.JSON(e.t, &res)
	return res.ID
}
