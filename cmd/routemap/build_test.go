package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/amazonconnect"
	rmhttp "routemap/http"
	"routemap/localconnect"
	"routemap/salesforce"
	"routemap/sqlite"
)

// connectOrg is a demo org served in-process, with the demo's local
// Amazon Connect on 127.0.0.1 started and seeded as `serve --demo` does.
type connectOrg struct {
	*testOrg
	lc  *localConnect
	dir string
}

func newConnectOrg(tb testing.TB, reps int) *connectOrg {
	tb.Helper()
	dir := tb.TempDir()
	store, err := sqlite.Open(filepath.Join(dir, "routemap.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	srv := rmhttp.NewServer(store)
	srv.Addr = "127.0.0.1:0"
	if err := srv.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close(); store.Close() })
	path, creds, _, err := seedDemo(tb.Context(), store, dir, srv.URL(), reps, &bytes.Buffer{})
	if err != nil {
		tb.Fatal(err)
	}
	lc, err := startLocalConnect("127.0.0.1:0", localconnect.Options{StatePath: filepath.Join(dir, "connect.json"), Region: creds.region()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lc.Close() })
	if err := seedDemoConnect(tb.Context(), store, lc.srv, path, creds, lc.url); err != nil {
		tb.Fatal(err)
	}
	o := &connectOrg{testOrg: &testOrg{url: srv.URL(), srv: srv}, lc: lc, dir: dir}
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &o.creds); err != nil {
		tb.Fatal(err)
	}
	admin, err := store.FindUserByUsername(tb.Context(), o.creds.AdminUsername)
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := srv.IssueToken(tb.Context(), admin, "")
	if err != nil {
		tb.Fatal(err)
	}
	o.token = tok.AccessToken
	o.env = map[string]string{
		"SF_INSTANCE_URL": o.url, "SF_ACCESS_TOKEN": o.token,
		"ROUTEMAP_CONFIG_DIR": filepath.Join(dir, "config"), "ROUTEMAP_CACHE_DIR": filepath.Join(dir, "cache"),
		"AWS_ACCESS_KEY_ID": o.creds.AWSAccessKeyID, "AWS_SECRET_ACCESS_KEY": o.creds.AWSSecretAccessKey,
		"AWS_REGION": o.creds.AWSRegion, "AWS_ENDPOINT_URL_CONNECT": o.creds.ConnectEndpoint,
	}
	return o
}

// with returns the org's environment changed by kv (key, value, …).
func (o *connectOrg) with(kv ...string) map[string]string {
	env := map[string]string{}
	for k, v := range o.env {
		env[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return env
}

// report is the part of build's --report that tests read.
type report struct {
	Counts struct {
		Members, Matched, Unmatched, Rows, Agents int
		AlreadyMapped                             int `json:"already_mapped"`
		Leftovers                                 int `json:"leftover_agents"`
		Elsewhere                                 int `json:"users_not_in_contact_center"`
	}
	Unmatched []struct {
		UserID                         string `json:"user_id"`
		Reason, Message, Expected, Fix string
		Agents                         []struct{ Username string }
	}
	Leftovers []struct{ Username, Reason, Message string } `json:"leftover_agents"`
	Requests  map[string]int
	MatchRate float64          `json:"match_reps_per_second"`
	Timings   map[string]int64 `json:"timings_ms"`
}

func readReport(t testing.TB, path string) report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func reasons(r report) map[string]int {
	out := map[string]int{}
	for _, u := range r.Unmatched {
		out[u.Reason]++
	}
	return out
}

// demoUnmatched are the reps of a 50-rep demo that build cannot map, by
// index: the near miss, two without an agent, the alias with an
// apostrophe.
var demoUnmatched = map[int]string{5: "near_miss", 12: "no_agent", 17: "alias_invalid", 37: "no_agent"}

func (o *connectOrg) unmatchedIDs() map[string]string {
	out := map[string]string{}
	for i, reason := range demoUnmatched {
		out[o.creds.RepUserIDs[i]] = reason
	}
	return out
}

func TestBuildValidateImportAudit(t *testing.T) {
	o := newConnectOrg(t, 50)
	cc := o.creds.CallCenterID
	dir := t.TempDir()
	mapCSV, rep := filepath.Join(dir, "map.csv"), filepath.Join(dir, "report.json")

	// A fresh demo: every member is unmapped.
	// The local Amazon Connect has no quota: lift the client's rate limit
	// (2 requests a second by default) for the one run with an empty
	// quick connect cache.
	out, errOut, code := runIn(t, o.env, "", "audit", "--call-center", cc, "--json", "--connect-rate", "0")
	if code != 1 {
		t.Fatalf("audit of a fresh demo: exit %d\n%s", code, errOut)
	}
	a := parseAudit(t, out)
	if a.Counts.Unmapped != 50 || a.Counts.Findings["critical"] != 50 || len(a.codes("critical")) != 1 || a.codes("critical")["unmapped_member"] != 50 {
		t.Fatalf("fresh audit: %+v %v", a.Counts, a.codes("critical"))
	}
	// Two paged listings, and one DescribeQuickConnect per quick connect
	// (50 agents, each with one); the answers go to the cache.
	if diff := cmp.Diff(map[string]int{"DescribeQuickConnect": 50, "ListQuickConnects": 1, "ListUsers": 1}, a.Requests); diff != "" {
		t.Errorf("audit requests (-want +got):\n%s", diff)
	}

	_, errOut, code = runIn(t, o.env, "", "build", "--call-center", cc, "-o", mapCSV, "--report", rep)
	if code != 1 {
		t.Fatalf("build: exit %d, want 1 (some reps have no agent)\n%s", code, errOut)
	}
	r := readReport(t, rep)
	if r.Counts.Members != 50 || r.Counts.Matched != 46 || r.Counts.Rows != 46 || r.Counts.Agents != 50 || r.Counts.Leftovers != 4 {
		t.Fatalf("counts %+v\n%s", r.Counts, errOut)
	}
	if diff := cmp.Diff(map[string]int{"near_miss": 1, "no_agent": 2, "alias_invalid": 1}, reasons(r)); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	want := o.unmatchedIDs()
	for _, u := range r.Unmatched {
		if want[u.UserID] != u.Reason {
			t.Errorf("unmatched %s %s, want %q", u.UserID, u.Reason, want[u.UserID])
		}
		if u.Reason == "near_miss" && (len(u.Agents) != 1 || !strings.Contains(u.Agents[0].Username, u.UserID) || !strings.Contains(u.Message, "18-character user id")) {
			t.Errorf("near miss %+v", u)
		}
	}
	if diff := cmp.Diff(map[string]int{"ListQuickConnects": 1, "ListUsers": 1}, r.Requests); diff != "" {
		t.Errorf("build requests with the cache audit filled (-want +got):\n%s", diff)
	}
	for _, s := range []string{"46 of 50 members matched; wrote 46 rows to " + mapCSV, "near_miss: no agent has username", "alias_invalid: the alias", "4 agents left over", "qa.tester no_member"} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}

	// The file is what the article asks for: it validates clean, strictly.
	out, _, code = runIn(t, o.env, "", "validate", "--strict", "--provider", "amazon-connect", "--call-center", cc, "--connect-instance", o.creds.ConnectInstanceARN, mapCSV)
	if code != 0 || !strings.Contains(out, "ok: 46 rows, 0 errors, 0 warnings") {
		t.Fatalf("validate: exit %d\n%s", code, out)
	}
	rows := readCSVRows(t, mapCSV)
	if rows[0] != "ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel,QuickConnect" {
		t.Errorf("header %s", rows[0])
	}
	for _, row := range rows[1:] {
		f := strings.Split(row, ",")
		if len(f) != 6 || !strings.HasPrefix(f[0], o.creds.ConnectInstanceARN+"/agent/") || f[3] != "User_"+f[1]+"_"+cc || f[4] != f[1] || !routemap.IsUUID(f[5]) {
			t.Fatalf("row %s", row)
		}
	}

	// It imports, and then only the reps without an agent are unmapped.
	out, errOut, code = runIn(t, o.env, "", "import", "--json", "--results", filepath.Join(dir, "results"), mapCSV)
	if s := parseSummary(t, out); code != 0 || s.Created != 46 {
		t.Fatalf("import: exit %d %+v\n%s", code, s, errOut)
	}
	out, _, code = runIn(t, o.env, "", "audit", "--call-center", cc, "--json")
	a = parseAudit(t, out)
	if code != 1 || a.Counts.Unmapped != 4 || a.Counts.Findings["error"] != 0 || a.Counts.Findings["warning"] != 0 {
		t.Fatalf("audit after import: exit %d %+v\n%s", code, a.Counts, out)
	}
	for _, f := range a.Findings {
		if f.Severity == "critical" && (f.Code != "unmapped_member" || want[f.UserID] == "" || !strings.Contains(f.Message, want[f.UserID])) {
			t.Errorf("critical finding %+v", f)
		}
	}
	if a.codes("info")["agent_unmapped"] != 4 {
		t.Errorf("info %v", a.codes("info"))
	}
	text, _, _ := runIn(t, o.env, "", "audit", "--call-center", cc)
	for _, s := range []string{"CRITICAL (4)", "unmapped_member (4)", "near_miss", "comes close", "4 critical, 0 errors, 0 warnings, 4 info; 4 of 50 members unmapped"} {
		if !strings.Contains(text, s) {
			t.Errorf("audit text lacks %q:\n%s", s, text)
		}
	}

	// A second build reads the quick connects' targets from the cache,
	// and --only-unmapped has nothing left to write.
	_, errOut, code = runIn(t, o.env, "", "build", "--call-center", cc, "--only-unmapped", "-o", filepath.Join(dir, "new.csv"), "--report", rep)
	r = readReport(t, rep)
	if code != 1 || r.Counts.AlreadyMapped != 46 || r.Counts.Rows != 0 || r.Counts.Unmatched != 4 || r.Requests["DescribeQuickConnect"] != 0 || r.Counts.Leftovers != 4 {
		t.Fatalf("--only-unmapped: exit %d %+v %v\n%s", code, r.Counts, r.Requests, errOut)
	}
}

type auditJSON struct {
	Requests map[string]int
	Counts   struct {
		Members, Maps, Agents int
		Unmapped              int            `json:"unmapped_members"`
		Findings              map[string]int `json:"findings"`
	}
	Findings []struct {
		Severity, Code, Message, Fix string
		UserID                       string `json:"user_id"`
		MapID                        string `json:"map_id"`
	}
}

func parseAudit(t testing.TB, out string) auditJSON {
	t.Helper()
	var a auditJSON
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("audit JSON %q: %v", out, err)
	}
	return a
}

// codes counts the findings of a severity by code.
func (a auditJSON) codes(sev string) map[string]int {
	out := map[string]int{}
	for _, f := range a.Findings {
		if f.Severity == sev {
			out[f.Code]++
		}
	}
	return out
}

func TestBuildOnlyUnmapped(t *testing.T) {
	o := newConnectOrg(t, 30)
	cc := o.creds.CallCenterID
	dir := t.TempDir()
	all := filepath.Join(dir, "all.csv")
	runIn(t, o.env, "", "build", "--call-center", cc, "--connect-rate", "0", "-o", all)
	rows := readCSVRows(t, all)
	some := writeFile(t, "some.csv", strings.Join(rows[:11], "\n")+"\n")
	if _, errOut, code := runIn(t, o.env, "", "import", "--results", dir, some); code != 0 {
		t.Fatal(errOut)
	}
	rest := filepath.Join(dir, "rest.csv")
	_, errOut, code := runIn(t, o.env, "", "build", "--call-center", cc, "--only-unmapped", "-o", rest)
	got := readCSVRows(t, rest)
	if code != 1 || !slices.Equal(got[1:], rows[11:]) || !strings.Contains(errOut, "10 members already have a routing map") {
		t.Fatalf("exit %d: %d rows, want %d\n%s", code, len(got)-1, len(rows)-11, errOut)
	}
}

func TestBuildThrottledConnect(t *testing.T) {
	o := newConnectOrg(t, 20)
	o.lc.srv.SetThrottle(localconnect.Throttle{Rate: 40, Burst: 2})
	rep := filepath.Join(t.TempDir(), "r.json")
	start := time.Now()
	_, errOut, code := runIn(t, o.env, "", "build", "--call-center", o.creds.CallCenterID, "--connect-rate", "0", "-o", os.DevNull, "--report", rep)
	r := readReport(t, rep)
	stats := o.lc.srv.Stats()
	if code != 1 || r.Counts.Rows != 17 || stats.Throttled == 0 {
		t.Fatalf("exit %d, %d rows, %d throttled\n%s", code, r.Counts.Rows, stats.Throttled, errOut)
	}
	t.Logf("%d requests throttled, build took %v", stats.Throttled, time.Since(start))
}

func TestBuildAWSErrors(t *testing.T) {
	o := newConnectOrg(t, 3)
	cc := o.creds.CallCenterID
	for name, tc := range map[string]struct {
		env  map[string]string
		args []string
		code int
		want string
	}{
		"ErrWrongSecret": {o.with("AWS_SECRET_ACCESS_KEY", "wrong"+o.creds.AWSSecretAccessKey[5:]), nil, 3,
			"Amazon Connect refused the AWS credentials for instance " + o.creds.ConnectInstanceARN + " (InvalidSignatureException"},
		"ErrUnknownKey": {o.with("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00"), nil, 3, "(UnrecognizedClientException"},
		"ErrNotTheContactCentersInstance": {o.env, []string{"--connect-instance", strings.Replace(o.creds.ConnectInstanceARN, "instance/", "instance/0", 1)[:len(o.creds.ConnectInstanceARN)]}, 2,
			"contact center " + cc + " uses Amazon Connect instance " + o.creds.ConnectInstanceARN + ", but the agents come from"},
		"ErrNoSuchInstance": {o.with("AWS_ENDPOINT_URL_CONNECT", "", "SF_ACCESS_TOKEN", ""), []string{"--users", writeFile(t, "u.csv", "Id\n"+o.creds.RepUserIDs[0]+"\n"), "--org-id", o.creds.OrgID,
			"--connect-endpoint", o.creds.ConnectEndpoint, "--connect-instance", strings.Replace(o.creds.ConnectInstanceARN, "instance/", "instance/0", 1)[:len(o.creds.ConnectInstanceARN)]}, 1,
			"Amazon Connect has no instance"},
		"ErrBadInstanceARN": {o.env, []string{"--connect-instance", "arn:aws:connect:us-west-2:1:instance/x"}, 2, "--connect-instance"},
	} {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"build", "--call-center", cc, "-o", os.DevNull}, tc.args...)
			_, errOut, code := runIn(t, tc.env, "", args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, want %d and %q:\n%s", code, tc.code, tc.want, errOut)
			}
		})
	}
}

// partnerServer serves agents under the partner contract.
func partnerServer(t *testing.T, token string, agents []map[string]string) *httptest.Server {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"code":"unauthenticated","message":"unknown token"}}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"agents": agents})
	}))
	t.Cleanup(hs.Close)
	return hs
}

func TestBuildPartner(t *testing.T) {
	o := newConnectOrg(t, 10)
	cc := o.creds.CallCenterID
	var agents []map[string]string
	for i := range 8 {
		agents = append(agents, map[string]string{"id": fmt.Sprintf("p%d", i), "username": fmt.Sprintf("REP%05d@demo.routemap.test", i+1)})
	}
	hs := partnerServer(t, "t0ken", agents)
	dir := t.TempDir()
	out, rep := filepath.Join(dir, "partner.csv"), filepath.Join(dir, "r.json")
	_, errOut, code := runIn(t, o.with("PARTNER_TOKEN", "t0ken"), "", "build", "--call-center", cc, "--partner-url", hs.URL, "-o", out, "--report", rep)
	r := readReport(t, rep)
	if code != 1 || r.Counts.Rows != 8 || reasons(r)["no_agent"] != 2 || r.Requests["GET /agents"] != 1 || !strings.Contains(errOut, "matched by username") {
		t.Fatalf("exit %d %+v %v\n%s", code, r.Counts, reasons(r), errOut)
	}
	rows := readCSVRows(t, out)
	if !strings.HasPrefix(rows[1], "REP00001@demo.routemap.test,"+o.creds.RepUserIDs[0]+",") || !strings.HasSuffix(rows[1], ",") {
		t.Errorf("row %s", rows[1])
	}
	if out, _, code := runIn(t, nil, "", "validate", "--strict", "--provider", "partner", out); code != 0 {
		t.Errorf("validate: %s", out)
	}

	junk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!DOCTYPE html><title>Sign in</title>")
	}))
	defer junk.Close()
	for name, tc := range map[string]struct {
		url, token string
		code       int
		want       string
	}{
		"ErrJunk":      {junk.URL + "/v1", "t0ken", 1, "partner directory " + junk.URL + "/v1/agents?page_size=1000 answered something routemap cannot use: the answer is text/html, not application/json (it starts \"<!DOCTYPE html><title>Sign in</title>\")"},
		"ErrBadToken":  {hs.URL, "nope", 3, "partner directory " + hs.URL + "/agents?page_size=1000 refused the token (401 unauthenticated: unknown token)"},
		"ErrPlainHTTP": {"http://partner.example.com", "t0ken", 2, "plain http"},
	} {
		t.Run(name, func(t *testing.T) {
			_, errOut, code := runIn(t, o.env, "", "build", "--call-center", cc, "--partner-url", tc.url, "--partner-token", tc.token, "-o", os.DevNull)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, want %d and %q:\n%s", code, tc.code, tc.want, errOut)
			}
		})
	}
}

// TestBuildFromFiles builds from a users CSV, as `sf data query
// --result-format csv` writes it, and an agents file exported from
// Amazon Connect: the same map as from the org and the SDK.
func TestBuildFromFiles(t *testing.T) {
	o := newConnectOrg(t, 50)
	cc := o.creds.CallCenterID
	dir := t.TempDir()
	fromOrg := filepath.Join(dir, "org.csv")
	runIn(t, o.env, "", "build", "--call-center", cc, "--connect-rate", "0", "-o", fromOrg)

	c, err := salesforce.New(o.url, salesforce.Options{Auth: &salesforce.StaticToken{AccessToken: o.token, InstanceURL: o.url}})
	if err != nil {
		t.Fatal(err)
	}
	var users strings.Builder
	users.WriteString("Id,Username,Alias,Email,IsActive,CallCenterId\n")
	err = c.Members(t.Context(), "", func(u routemap.User) error {
		fmt.Fprintf(&users, "%s,%s,%s,%s,%t,%s\n", u.ID, u.Username, u.Alias, u.Email, u.IsActive, u.CallCenterID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	users.WriteString(o.creds.NonMemberUserIDs[0] + ",outside1@demo.routemap.test,out1,outside1@demo.routemap.test,true,\n")
	usersCSV := writeFile(t, "users.csv", users.String())

	d, err := amazonconnect.NewDirectory(aws.Config{Credentials: credentials.NewStaticCredentialsProvider(o.creds.AWSAccessKeyID, o.creds.AWSSecretAccessKey, "")},
		o.creds.ConnectInstanceARN, amazonconnect.Options{Endpoint: o.creds.ConnectEndpoint, Rate: amazonconnect.NoRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	agents, err := d.Agents(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var export strings.Builder
	export.WriteString("Arn,Id,Username,QuickConnectId\n")
	for _, a := range agents {
		fmt.Fprintf(&export, "%s,%s,%s,%s\n", a.ARN, a.ID, a.Username, a.QuickConnectID)
	}
	agentsCSV := writeFile(t, "agents.csv", export.String())

	fromFiles, rep := filepath.Join(dir, "files.csv"), filepath.Join(dir, "r.json")
	_, errOut, code := runIn(t, nil, "", "build", "--users", usersCSV, "--org-id", o.creds.OrgID, "--call-center", cc, "--agents", agentsCSV, "-o", fromFiles, "--report", rep)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if r := readReport(t, rep); r.Counts.Members != 50 || r.Counts.Elsewhere != 1 || r.Counts.Rows != 46 {
		t.Errorf("counts %+v", r.Counts)
	}
	a, b := readCSVRows(t, fromOrg), readCSVRows(t, fromFiles)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("files and org disagree (-org +files):\n%s", diff)
	}
	if _, errOut, code := runIn(t, nil, "", "build", "--users", usersCSV, "--call-center", cc, "--agents", agentsCSV); code != 2 || !strings.Contains(errOut, "--org-id") {
		t.Errorf("no org id: exit %d %s", code, errOut)
	}
}

func TestBuildUsage(t *testing.T) {
	agents := writeFile(t, "agents.csv", "username\nx\n")
	for _, args := range [][]string{
		{"build"},
		{"build", "--call-center", "005Hs00000ABcDe", "--agents", agents},
		{"build", "--call-center", center, "--match", "guess", "--agents", agents},
		{"build", "--call-center", center, "--template", "{Nope}", "--agents", agents},
		{"build", "--call-center", center, "--agents", agents, "--partner-url", "https://x.example"},
		{"build", "--call-center", center, "--users", "/no/such/users.csv", "--agents", agents},
		{"build", "--call-center", center, "--users", agents, "--agents", "/no/such/agents.csv"},
		{"build", "--call-center", center, "--connect-rate", "-1", "--agents", agents},
		{"audit"},
		{"audit", "--call-center", center, "stray"},
	} {
		_, errOut, code := run(t, "", args...)
		if code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}

// TestDemoConnectSurvivesRestart: the local Amazon Connect keeps its
// state in connect.json, and a restarted demo keeps its agents and key.
func TestDemoConnectSurvivesRestart(t *testing.T) {
	o := newConnectOrg(t, 10)
	o.lc.Close()
	lc, err := startLocalConnect("127.0.0.1:0", localconnect.Options{StatePath: filepath.Join(o.dir, "connect.json"), Region: o.creds.AWSRegion})
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	creds := o.creds
	if err := seedDemoConnect(t.Context(), nil, lc.srv, filepath.Join(o.dir, demoCredentialsFile), &creds, lc.url); err != nil {
		t.Fatal(err)
	}
	var c demoCredentials
	data, _ := os.ReadFile(filepath.Join(o.dir, demoCredentialsFile))
	json.Unmarshal(data, &c)
	if c.ConnectEndpoint != lc.url || c.AWSAccessKeyID != o.creds.AWSAccessKeyID {
		t.Fatalf("credentials after restart: %+v", c)
	}
	rep := filepath.Join(t.TempDir(), "r.json")
	runIn(t, o.with("AWS_ENDPOINT_URL_CONNECT", lc.url), "", "build", "--call-center", o.creds.CallCenterID, "--connect-rate", "0", "-o", os.DevNull, "--report", rep)
	if r := readReport(t, rep); r.Counts.Agents != 13 || r.Counts.Rows != 9 {
		t.Fatalf("agents after restart: %+v", r.Counts)
	}
}

// BenchmarkBuildAudit20k measures build (twice: cold and with the quick
// connect cache) and audit for 20,000 reps against the local Amazon
// Connect with the client's rate limit lifted, and reports the Connect
// requests by operation. Run it with -benchtime 1x; seeding takes a while.
func BenchmarkBuildAudit20k(b *testing.B) {
	const reps = 20000
	seed := time.Now()
	o := newConnectOrg(b, reps)
	b.Logf("seeded %d reps in the org and the local Amazon Connect in %v", reps, time.Since(seed))
	cc := o.creds.CallCenterID
	dir := b.TempDir()
	mapCSV, rep := filepath.Join(dir, "map.csv"), filepath.Join(dir, "r.json")
	runCmd := func(args ...string) (time.Duration, localconnect.Stats) {
		before := o.lc.srv.Stats()
		start := time.Now()
		var out, errw bytes.Buffer
		m := NewMain(strings.NewReader(""), &out, &errw, func(k string) string { return o.env[k] })
		if code := exitCode(m.Run(context.Background(), args), &errw); code > 1 {
			b.Fatalf("%v: exit %d\n%s", args, code, errw.String())
		}
		return time.Since(start), o.lc.srv.Stats().Sub(before)
	}
	for b.Loop() {
		os.RemoveAll(o.env["ROUTEMAP_CACHE_DIR"])
		cold, coldReq := runCmd("build", "--call-center", cc, "--connect-rate", "0", "-o", mapCSV, "--report", rep)
		r := readReport(b, rep)
		warm, warmReq := runCmd("build", "--call-center", cc, "--connect-rate", "0", "-o", mapCSV, "--report", rep)
		rw := readReport(b, rep)
		audit, auditReq := runCmd("audit", "--call-center", cc, "--connect-rate", "0", "--json")
		b.ReportMetric(cold.Seconds(), "build-cold-s")
		b.ReportMetric(warm.Seconds(), "build-warm-s")
		b.ReportMetric(audit.Seconds(), "audit-s")
		b.ReportMetric(r.MatchRate, "match-reps/s")
		b.Logf("build, empty cache: %v, %d rows; Connect requests %v; steps (ms) %v", cold, r.Counts.Rows, sortedOps(coldReq.Requests), r.Timings)
		b.Logf("build, warm cache:  %v; Connect requests %v; steps (ms) %v", warm, sortedOps(warmReq.Requests), rw.Timings)
		b.Logf("audit:              %v; Connect requests %v", audit, sortedOps(auditReq.Requests))
		b.Logf("matching: %.0f reps/s", r.MatchRate)
	}
}

func sortedOps(m map[string]int) string {
	ops := make([]string, 0, len(m))
	for op, n := range m {
		ops = append(ops, fmt.Sprintf("%s=%d", op, n))
	}
	sort.Strings(ops)
	return strings.Join(ops, " ")
}
