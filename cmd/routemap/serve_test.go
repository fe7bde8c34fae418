package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for routemap when a test starts
// it as a child process, so tests can kill the server for real.
func TestMain(m *testing.M) {
	if os.Getenv("ROUTEMAP_TEST_BINARY") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// server is a routemap serve child process.
type server struct {
	cmd *exec.Cmd
	url string
	mu  sync.Mutex
	out strings.Builder
}

// waitOutput waits until the server has printed want.
func (s *server) waitOutput(t *testing.T, want string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		s.mu.Lock()
		got := s.out.String()
		s.mu.Unlock()
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Errorf("server never printed %q", want)
}

// output returns what the server has printed so far.
func (s *server) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// startServe runs `routemap serve` with args and waits until /healthz is 200.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	cmd.Env = append(os.Environ(), "ROUTEMAP_TEST_BINARY=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(60 * time.Second)
	for s.url == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("server exited: %s", s.out.String())
			}
			s.mu.Lock()
			s.out.WriteString(line + "\n")
			s.mu.Unlock()
			if u, found := strings.CutPrefix(line, "routemap: listening on "); found {
				s.url = u
			}
		case <-deadline:
			t.Fatalf("no listening line: %s", s.out.String())
		}
	}
	go func() {
		for line := range lines {
			s.mu.Lock()
			s.out.WriteString(line + "\n")
			s.mu.Unlock()
		}
	}()
	for {
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		select {
		case <-deadline:
			t.Fatal("server never became healthy")
		case <-time.After(50 * time.Millisecond):
		}
	}
}

type creds struct {
	InstanceURL    string   `json:"instance_url"`
	OrgID          string   `json:"org_id"`
	CallCenterID   string   `json:"call_center_id"`
	ConnectARN     string   `json:"connect_instance_arn"`
	AdminUsername  string   `json:"admin_username"`
	AdminPassword  string   `json:"admin_password"`
	ViewerUsername string   `json:"viewer_username"`
	ViewerPassword string   `json:"viewer_password"`
	ClientID       string   `json:"client_id"`
	ClientSecret   string   `json:"client_secret"`
	RepUserIDs     []string `json:"rep_user_ids"`
	NonMembers     []string `json:"non_member_user_ids"`
}

func readCreds(t *testing.T, dir string) creds {
	t.Helper()
	path := filepath.Join(dir, "demo-credentials.json")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	var c creds
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func passwordToken(t *testing.T, base string, c creds) string {
	t.Helper()
	resp, err := http.PostForm(base+"/services/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {c.ClientID},
		"client_secret": {c.ClientSecret}, "username": {c.AdminUsername}, "password": {c.AdminPassword}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	if resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	return tok.AccessToken
}

func call(t *testing.T, method, u, token, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeDemoSurvivesKill9 is the README's main job end to end: serve
// --demo, log in with the written credentials, create a map, kill -9 the
// server, start it again, and find the map.
func TestServeDemoSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	dir := t.TempDir()
	s := startServe(t, "--data", dir, "--demo", "--demo-users", "7")
	c := readCreds(t, dir)
	if c.InstanceURL != s.url || len(c.RepUserIDs) != 7 || len(c.NonMembers) == 0 || !strings.HasPrefix(c.ConnectARN, "arn:aws:connect:") {
		t.Fatalf("credentials %+v", c)
	}
	token := passwordToken(t, s.url, c)
	rep := c.RepUserIDs[0]
	body := `{"ExternalId":"` + c.ConnectARN + `/agent/3b2a1c0d-4e5f-4a6b-9c8d-7e6f5a4b3c2d","ReferenceRecordId":"` + rep + `","CallCenterId":"` + c.CallCenterID +
		`","DeveloperName":"User_` + rep + `_` + c.CallCenterID + `","MasterLabel":"` + rep + `"}`
	status, out := call(t, "POST", s.url+"/services/data/v50.0/sobjects/CallCenterRoutingMap/", token, body)
	if status != 201 {
		t.Fatalf("create: %d %s", status, out)
	}
	var created struct{ ID string }
	json.Unmarshal([]byte(out), &created)

	// kill -9: no chance to flush or close anything.
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.cmd.Wait()

	s2 := startServe(t, "--data", dir, "--demo")
	s2.waitOutput(t, "demo org already there")
	c2 := readCreds(t, dir)
	if c2.InstanceURL != s2.url || c2.AdminPassword != c.AdminPassword {
		t.Errorf("credentials after restart: %+v", c2)
	}
	// The token issued before the crash is still valid; so is the map.
	status, out = call(t, "GET", s2.url+"/services/data/v62.0/sobjects/CallCenterRoutingMap/"+created.ID, token, "")
	if status != 200 || !strings.Contains(out, rep) {
		t.Fatalf("after kill -9: %d %s", status, out)
	}

	// SIGTERM shuts down cleanly.
	s2.cmd.Process.Signal(syscall.SIGTERM)
	if err := s2.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}

// TestAdminBootstrap creates an org from nothing with the admin verbs,
// mints a token with `routemap token`, and uses it against a server.
func TestAdminBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	dir := t.TempDir()
	runJSON := func(stdin string, args ...string) map[string]any {
		t.Helper()
		out, errOut, code := run(t, stdin, append(args, "--data", dir)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: %v: %s", args, err, out)
		}
		return v
	}
	org := runJSON("", "admin", "org", "--name", "Acme Support")["org_id"].(string)
	cc := runJSON("", "admin", "call-center", "--org", org, "--name", "Acme Voice",
		"--connect-instance", "arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555")["call_center_id"].(string)
	user := runJSON("s3cret-password\n", "admin", "user", "--org", org, "--username", "ops@acme.test", "--permissions", "admin", "--password-stdin")
	runJSON("", "admin", "user", "--org", org, "--username", "jane@acme.test", "--call-center", cc)
	app := runJSON("", "admin", "app", "--org", org, "--name", "CI", "--run-as", user["user_id"].(string))
	if !strings.HasPrefix(app["client_id"].(string), "3MVG9") || len(app["client_secret"].(string)) != 64 {
		t.Fatalf("app %v", app)
	}
	tokenOut, _, code := run(t, "", "token", "--data", dir, "--username", "ops@acme.test")
	token := strings.TrimSpace(tokenOut)
	if code != 0 || !strings.HasPrefix(token, org[:15]+"!") {
		t.Fatalf("token %q exit %d", token, code)
	}
	for _, bad := range [][]string{
		{"admin", "org"},
		{"admin", "user", "--org", "005Hs00000ABcDe", "--username", "x"},
		{"admin", "user", "--org", org, "--username", "x", "--permissions", "root"},
		{"admin", "call-center", "--org", org, "--name", "X"},
	} {
		if _, _, code := run(t, "", append(bad, "--data", dir)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	if _, errOut, code := run(t, "", "admin", "user", "--org", org, "--username", "OPS@acme.test", "--data", dir); code != 1 || !strings.Contains(errOut, "ops@acme.test") && !strings.Contains(strings.ToLower(errOut), "duplicate") {
		t.Errorf("duplicate username: exit %d %s", code, errOut)
	}

	s := startServe(t, "--data", dir)
	status, out := call(t, "GET", s.url+"/services/data/v62.0/query?q="+url.QueryEscape("SELECT Username FROM User WHERE CallCenterId = '"+cc+"'"), token, "")
	if status != 200 || !strings.Contains(out, "jane@acme.test") || strings.Contains(out, "ops@") {
		t.Fatalf("%d %s", status, out)
	}
	// Client credentials through the app created above.
	resp, err := http.PostForm(s.url+"/services/oauth2/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {app["client_id"].(string)}, "client_secret": {app["client_secret"].(string)}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("client credentials: %v %v", err, resp.StatusCode)
	}
	resp.Body.Close()
}

// TestBulkJobSurvivesKill9 kills the server while it processes a Bulk API
// job: after a restart the job completes and the org holds exactly the
// rows of the file, once.
func TestBulkJobSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	const rows = 30000
	dir := t.TempDir()
	// No local Amazon Connect: the job does not need it.
	s := startServe(t, "--data", dir, "--demo", "--demo-users", strconv.Itoa(rows), "--connect-addr", "off")
	c := readCreds(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "connect.json")); !os.IsNotExist(err) || strings.Contains(s.output(), "local Amazon Connect") {
		t.Fatalf("--connect-addr off started a local Amazon Connect (%v):\n%s", err, s.output())
	}
	token := passwordToken(t, s.url, c)
	var data strings.Builder
	data.WriteString("ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel\n")
	for i, rep := range c.RepUserIDs {
		fmt.Fprintf(&data, "%s/agent/%08x-1111-4111-8111-%012x,%s,%s,User_%s_%s,%s\n", c.ConnectARN, i, i, rep, c.CallCenterID, rep, c.CallCenterID, rep)
	}
	base := s.url + "/services/data/v62.0/jobs/ingest"
	status, out := call(t, "POST", base, token, `{"object":"CallCenterRoutingMap","operation":"insert"}`)
	var j struct{ ID, State string }
	json.Unmarshal([]byte(out), &j)
	if status != 200 || j.ID == "" {
		t.Fatalf("create job: %d %s", status, out)
	}
	req, _ := http.NewRequest("PUT", base+"/"+j.ID+"/batches", strings.NewReader(data.String()))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("upload: %v %v", err, resp)
	}
	resp.Body.Close()
	if status, out := call(t, "PATCH", base+"/"+j.ID, token, `{"state":"UploadComplete"}`); status != 200 {
		t.Fatalf("close: %d %s", status, out)
	}
	// Kill as soon as processing has started.
	for i := 0; ; i++ {
		_, out := call(t, "GET", base+"/"+j.ID, token, "")
		json.Unmarshal([]byte(out), &j)
		if j.State != "UploadComplete" || i > 2000 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	t.Logf("killed while the job was %s", j.State)

	s2 := startServe(t, "--data", dir)
	var info struct {
		State                  string
		NumberRecordsProcessed int
		NumberRecordsFailed    int
	}
	for deadline := time.Now().Add(2 * time.Minute); ; {
		_, out := call(t, "GET", s2.url+"/services/data/v62.0/jobs/ingest/"+j.ID, token, "")
		json.Unmarshal([]byte(out), &info)
		if info.State == "JobComplete" || info.State == "Failed" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if info.State != "JobComplete" || info.NumberRecordsProcessed != rows || info.NumberRecordsFailed != 0 {
		t.Fatalf("after restart: %+v", info)
	}
	_, out = call(t, "GET", s2.url+"/services/data/v62.0/query?q="+url.QueryEscape("SELECT COUNT() FROM CallCenterRoutingMap"), token, "")
	var count struct{ TotalSize int }
	json.Unmarshal([]byte(out), &count)
	if count.TotalSize != rows {
		t.Fatalf("the org holds %d maps, want %d", count.TotalSize, rows)
	}
}
