package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	rmhttp "routemap/http"
	"routemap/sqlite"
)

// org is an in-process demo server for CLI tests.
type testOrg struct {
	url   string
	creds demoCredentials
	token string
	env   map[string]string
	srv   *rmhttp.Server
}

func newTestOrg(t *testing.T, reps int) *testOrg {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(filepath.Join(dir, "routemap.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := rmhttp.NewServer(store)
	srv.Addr = "127.0.0.1:0"
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); store.Close() })
	path, _, _, err := seedDemo(t.Context(), store, dir, srv.URL(), reps, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	o := &testOrg{url: srv.URL(), srv: srv}
	data, _ := os.ReadFile(path)
	json.Unmarshal(data, &o.creds)
	admin, err := store.FindUserByUsername(t.Context(), o.creds.AdminUsername)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := srv.IssueToken(t.Context(), admin, "")
	if err != nil {
		t.Fatal(err)
	}
	o.token = tok.AccessToken
	o.env = map[string]string{"SF_INSTANCE_URL": o.url, "SF_ACCESS_TOKEN": o.token, "ROUTEMAP_CONFIG_DIR": filepath.Join(dir, "config")}
	return o
}

// runIn runs routemap with an environment, returning output and exit code.
func runIn(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	return runCtx(t, t.Context(), env, stdin, &bytes.Buffer{}, args...)
}

func runCtx(t *testing.T, ctx context.Context, env map[string]string, stdin string, stderr *bytes.Buffer, args ...string) (string, string, int) {
	t.Helper()
	var out bytes.Buffer
	var errw syncWriter
	errw.w = stderr
	m := NewMain(strings.NewReader(stdin), &out, &errw, func(k string) string { return env[k] })
	code := exitCode(m.Run(ctx, args), &errw)
	return out.String(), errw.String(), code
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
	on func(string)
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.w.Write(b)
	if s.on != nil {
		s.on(s.w.String())
	}
	return n, err
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

// mapCSV writes a routing-map file for the first n reps, plus extra rows.
func (o *testOrg) mapCSV(t *testing.T, n int, extra ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel,QuickConnect,Team\n")
	for i, u := range o.creds.RepUserIDs[:n] {
		fmt.Fprintf(&b, "%s/agent/%08x-1111-4111-8111-%012x,%s,%s,User_%s_%s,%s,%08x-2222-4222-8222-%012x,Blue\n",
			o.creds.ConnectInstanceARN, i, i, u, o.creds.CallCenterID, u, o.creds.CallCenterID, u, i, i)
	}
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	return writeFile(t, "maps.csv", b.String())
}

func (o *testOrg) nonMemberRow(i int) string {
	u := o.creds.NonMemberUserIDs[i]
	return fmt.Sprintf("%s/agent/ffffffff-1111-4111-8111-%012x,%s,%s,User_%s_%s,%s,,Red", o.creds.ConnectInstanceARN, i, u, o.creds.CallCenterID, u, o.creds.CallCenterID, u)
}

type importSummary struct {
	API         string
	Rows        int
	Invalid     int
	Created     int
	Updated     int
	Failed      int
	Unprocessed int
	Jobs        []string
	Plan        struct{ Create, Update, Unchanged int }
	OrgMaps     struct{ Held, Read int } `json:"org_maps"`
}

func parseSummary(t *testing.T, out string) importSummary {
	t.Helper()
	var s importSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	return s
}

func readCSVRows(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func TestImportCollectionsIsIdempotent(t *testing.T) {
	o := newTestOrg(t, 30)
	file := o.mapCSV(t, 25)
	res := filepath.Join(t.TempDir(), "results")
	out, errOut, code := runIn(t, o.env, "", "import", "--json", "--results", res, file)
	s := parseSummary(t, out)
	if code != 0 || s.API != "collections" || s.Created != 25 || s.Plan.Create != 25 {
		t.Fatalf("exit %d %+v\n%s", code, s, errOut)
	}
	if rows := readCSVRows(t, filepath.Join(res, "success.csv")); len(rows) != 26 || !strings.HasSuffix(rows[0], ",Team,sf__Id,sf__Action,sf__Error") ||
		!strings.Contains(rows[1], ",Blue,0Rm") || !strings.Contains(rows[1], ",create,") {
		t.Fatalf("success.csv %v", rows[:2])
	}
	out, _, code = runIn(t, o.env, "", "import", "--json", "--results", res, file)
	if s := parseSummary(t, out); code != 0 || s.Plan.Create != 0 || s.Plan.Update != 0 || s.Plan.Unchanged != 25 {
		t.Fatalf("second run: exit %d %+v", code, s)
	}
	// export round-trips: importing it plans nothing.
	exp := filepath.Join(t.TempDir(), "export.csv")
	if _, errOut, code := runIn(t, o.env, "", "export", "--call-center", o.creds.CallCenterID, "-o", exp); code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	if rows := readCSVRows(t, exp); len(rows) != 26 {
		t.Fatalf("export has %d rows", len(rows)-1)
	}
	out, _, code = runIn(t, o.env, "", "import", "--dry-run", "--json", exp)
	if s := parseSummary(t, out); code != 0 || s.Plan.Create+s.Plan.Update != 0 || s.Plan.Unchanged != 25 {
		t.Fatalf("import of the export: %+v", s)
	}
}

// A small file against a contact center with many maps reads only the
// maps it names; a large one reads them all, page by page.
func TestImportPlanReadsWhatIsCheaper(t *testing.T) {
	o := newTestOrg(t, 2050)
	all := o.mapCSV(t, 2050)
	out, errOut, code := runIn(t, o.env, "", "import", "--json", "--results", t.TempDir(), all)
	if s := parseSummary(t, out); code != 0 || s.API != "bulk" || s.Created != 2050 || s.OrgMaps.Held != 0 || s.OrgMaps.Read != 0 {
		t.Fatalf("first import: exit %d %+v %s", code, s, errOut)
	}
	out, _, code = runIn(t, o.env, "", "import", "--dry-run", "--json", all)
	if s := parseSummary(t, out); code != 0 || s.Plan.Unchanged != 2050 || s.OrgMaps.Held != 2050 || s.OrgMaps.Read != 2050 {
		t.Fatalf("rerun of the whole file: exit %d %+v", code, s)
	}
	data, _ := os.ReadFile(o.mapCSV(t, 100))
	lines := strings.Split(string(data), "\n")
	f := strings.Split(lines[50], ",")
	f[0] = strings.Replace(f[0], "-1111-", "-3333-", 1) // a new agent for one rep
	lines[50] = strings.Join(f, ",")
	small := writeFile(t, "small.csv", strings.Join(lines, "\n"))
	out, errOut, code = runIn(t, o.env, "", "import", "--json", "--results", t.TempDir(), small)
	if s := parseSummary(t, out); code != 0 || s.Plan.Update != 1 || s.Plan.Unchanged != 99 || s.Updated != 1 ||
		s.OrgMaps.Held != 2050 || s.OrgMaps.Read != 100 {
		t.Fatalf("small file: exit %d %+v %s", code, s, errOut)
	}
}

func TestImportUpdatesOnlyChangedFields(t *testing.T) {
	o := newTestOrg(t, 5)
	file := o.mapCSV(t, 3)
	res := t.TempDir()
	if _, errOut, code := runIn(t, o.env, "", "import", "--results", res, file); code != 0 {
		t.Fatal(errOut)
	}
	data, _ := os.ReadFile(file)
	lines := strings.Split(string(data), "\n")
	f := strings.Split(lines[1], ",")
	f[5] = "" // clear QuickConnect
	lines[1] = strings.Join(f, ",")
	os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644)
	out, _, _ := runIn(t, o.env, "", "import", "--dry-run", file)
	if !strings.Contains(out, "update  User_") || !strings.Contains(out, ": QuickConnect\n") || !strings.Contains(out, "1 to update, 2 unchanged") {
		t.Fatalf("dry run: %s", out)
	}
	for _, api := range []string{"rest"} {
		out, errOut, code := runIn(t, o.env, "", "import", "--api", api, "--json", "--results", res, file)
		if s := parseSummary(t, out); code != 0 || s.Updated != 1 {
			t.Fatalf("%s: exit %d %+v %s", api, code, s, errOut)
		}
	}
	exp := filepath.Join(t.TempDir(), "e.csv")
	runIn(t, o.env, "", "export", "-o", exp)
	got, _ := os.ReadFile(exp)
	if strings.Count(string(got), "-2222-4222-") != 2 {
		t.Fatalf("QuickConnect not cleared on exactly one map:\n%s", got)
	}
}

func TestImportBulkFailuresAndRetry(t *testing.T) {
	o := newTestOrg(t, 20)
	file := o.mapCSV(t, 20, o.nonMemberRow(0))
	res := t.TempDir()
	out, errOut, code := runIn(t, o.env, "", "import", "--api", "bulk", "--json", "--results", res, file)
	s := parseSummary(t, out)
	if code != 1 || s.API != "bulk" || s.Created != 20 || s.Failed != 1 || len(s.Jobs) != 1 {
		t.Fatalf("exit %d %+v\n%s", code, s, errOut)
	}
	failed := filepath.Join(res, "failed.csv")
	rows := readCSVRows(t, failed)
	if len(rows) != 2 || !strings.Contains(rows[1], "FIELD_INTEGRITY_EXCEPTION:User ") || !strings.Contains(rows[1], ",Red,") {
		t.Fatalf("failed.csv %v", rows)
	}
	// Retrying the failed rows after adding the user to the contact center.
	body := `{"CallCenterId":"` + o.creds.CallCenterID + `"}`
	if status, out := call(t, "PATCH", o.url+"/services/data/v62.0/sobjects/User/"+o.creds.NonMemberUserIDs[0], o.token, body); status != 204 {
		t.Fatalf("add to contact center: %d %s", status, out)
	}
	res2 := t.TempDir()
	out, errOut, code = runIn(t, o.env, "", "import", "--json", "--results", res2, failed)
	if s := parseSummary(t, out); code != 0 || s.Created != 1 || s.Rows != 1 {
		t.Fatalf("retry: exit %d %+v %s", code, s, errOut)
	}
	if rows := readCSVRows(t, filepath.Join(res2, "success.csv")); strings.Count(rows[0], "sf__Action") != 1 {
		t.Fatalf("sf__ columns doubled: %s", rows[0])
	}
}

func TestImportInvalidRows(t *testing.T) {
	o := newTestOrg(t, 5)
	file := o.mapCSV(t, 3, "not-an-arn,005Hs00000ABcDe,"+o.creds.CallCenterID+",X,Y,,Z")
	res := t.TempDir()
	_, errOut, code := runIn(t, o.env, "", "import", "--results", res, file)
	if code != 1 || !strings.Contains(errOut, "maps.csv:5: ExternalId: external_id_not_arn:") || !strings.Contains(errOut, "--skip-invalid") {
		t.Fatalf("exit %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(res, "success.csv")); !os.IsNotExist(err) {
		t.Fatal("an import stopped by invalid rows wrote results")
	}
	out, _, code := runIn(t, o.env, "", "import", "--skip-invalid", "--json", "--results", res, file)
	if s := parseSummary(t, out); code != 1 || s.Created != 3 || s.Invalid != 1 || s.Failed != 1 {
		t.Fatalf("exit %d %+v", code, s)
	}
	if rows := readCSVRows(t, filepath.Join(res, "failed.csv")); len(rows) != 2 || !strings.Contains(rows[1], ",invalid,") {
		t.Fatalf("failed.csv %v", rows)
	}
}

func TestImportResume(t *testing.T) {
	o := newTestOrg(t, 40)
	file := o.mapCSV(t, 40)
	res := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	var stderr bytes.Buffer
	// Cancel (as Ctrl-C does) once the job is submitted.
	env := o.env
	m := NewMain(strings.NewReader(""), &bytes.Buffer{}, &syncWriter{w: &stderr, on: func(s string) {
		if strings.Contains(s, "submitted") {
			cancel()
		}
	}}, func(k string) string { return env[k] })
	code := exitCode(m.Run(ctx, []string{"import", "--api", "bulk", "--results", res, "--progress", "none", file}), &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "routemap import --resume 750") {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	job := strings.Fields(stderr.String()[strings.Index(stderr.String(), "--resume ")+len("--resume "):])[0]
	out, errOut, code := runIn(t, o.env, "", "import", "--resume", job, "--results", res, "--json")
	if s := parseSummary(t, out); code != 0 || s.Created != 40 || s.Unprocessed != 0 {
		t.Fatalf("resume: exit %d %+v\n%s", code, s, errOut)
	}
	if _, errOut, code := runIn(t, o.env, "", "import", "--resume", "750Rm00000ZZZZZAAA", "--results", res); code != 2 {
		t.Fatalf("unknown job: exit %d %s", code, errOut)
	}
}

func TestLoginAndTargets(t *testing.T) {
	o := newTestOrg(t, 3)
	env := map[string]string{"ROUTEMAP_CONFIG_DIR": o.env["ROUTEMAP_CONFIG_DIR"]}
	_, errOut, code := runIn(t, env, "", "login", "demo", "--instance-url", o.url, "--client-id", o.creds.ClientID, "--client-secret", o.creds.ClientSecret)
	if code != 0 || !strings.Contains(errOut, "as admin@demo.routemap.test") {
		t.Fatalf("login: exit %d %s", code, errOut)
	}
	st, err := os.Stat(filepath.Join(env["ROUTEMAP_CONFIG_DIR"], "targets.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("targets.json: %v %v", err, st)
	}
	if out, _, _ := runIn(t, env, "", "login", "--list"); !strings.Contains(out, "* demo") || !strings.Contains(out, "client-credentials") {
		t.Fatalf("list: %s", out)
	}
	file := o.mapCSV(t, 2)
	if out, errOut, code := runIn(t, env, "", "import", "--target", "demo", "--json", "--results", t.TempDir(), file); code != 0 || parseSummary(t, out).Created != 2 {
		t.Fatalf("import with target: %d %s", code, errOut)
	}
	// The default target is used without --target.
	if _, errOut, code := runIn(t, env, "", "export"); code != 0 {
		t.Fatalf("export with the default target: %d %s", code, errOut)
	}
	if _, errOut, code := runIn(t, env, "", "login", "bad", "--instance-url", o.url, "--client-id", o.creds.ClientID, "--client-secret", "wrong"); code != 3 || !strings.Contains(errOut, "invalid") {
		t.Fatalf("bad secret: exit %d %s", code, errOut)
	}
}

func TestOrgErrorsExit3(t *testing.T) {
	o := newTestOrg(t, 1)
	file := o.mapCSV(t, 1)
	bad := map[string]string{"SF_INSTANCE_URL": o.url, "SF_ACCESS_TOKEN": o.creds.OrgID[:15] + "!nope"}
	if _, errOut, code := runIn(t, bad, "", "export"); code != 3 || !strings.Contains(strings.ToLower(errOut), "log in again") {
		t.Fatalf("bad token: exit %d %s", code, errOut)
	}
	gone := map[string]string{"SF_INSTANCE_URL": "http://127.0.0.1:1", "SF_ACCESS_TOKEN": o.token}
	start := time.Now()
	if _, errOut, code := runIn(t, gone, "", "import", "--results", t.TempDir(), file); code != 3 {
		t.Fatalf("unreachable org: exit %d %s", code, errOut)
	}
	_ = start
	if _, _, code := runIn(t, map[string]string{"SF_ACCESS_TOKEN": "x"}, "", "export"); code != 2 {
		t.Fatalf("token without instance: exit %d", code)
	}
}
