package main

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mapIDs returns the routing map ids of the org by user id.
func (o *connectOrg) mapIDs(t *testing.T) map[string]struct{ ID, ExternalID, QuickConnect string } {
	t.Helper()
	q := url.QueryEscape("SELECT Id, ReferenceRecordId, ExternalId, QuickConnect FROM CallCenterRoutingMap")
	status, out := call(t, "GET", o.url+"/services/data/v62.0/query?q="+q, o.token, "")
	if status != 200 {
		t.Fatalf("query: %d %s", status, out)
	}
	var res struct {
		Records []struct{ Id, ReferenceRecordId, ExternalId, QuickConnect string }
	}
	json.Unmarshal([]byte(out), &res)
	ids := map[string]struct{ ID, ExternalID, QuickConnect string }{}
	for _, r := range res.Records {
		ids[r.ReferenceRecordId] = struct{ ID, ExternalID, QuickConnect string }{r.Id, r.ExternalId, r.QuickConnect}
	}
	return ids
}

func (o *connectOrg) patch(t *testing.T, object, id, body string) {
	t.Helper()
	if status, out := call(t, "PATCH", o.url+"/services/data/v62.0/sobjects/"+object+"/"+id, o.token, body); status != 204 {
		t.Fatalf("PATCH %s %s %s: %d %s", object, id, body, status, out)
	}
}

// TestAuditFindings breaks the maps of a fully built and imported demo in
// each way audit knows, and checks that it names each.
func TestAuditFindings(t *testing.T) {
	o := newConnectOrg(t, 30)
	cc := o.creds.CallCenterID
	dir := t.TempDir()
	mapCSV := filepath.Join(dir, "map.csv")
	runIn(t, o.env, "", "build", "--call-center", cc, "--connect-rate", "0", "-o", mapCSV)
	if _, errOut, code := runIn(t, o.env, "", "import", "--results", dir, mapCSV); code != 0 {
		t.Fatal(errOut)
	}
	// The reps build leaves unmapped leave the contact center: the
	// audit is clean.
	for i := range demoUnmatched {
		if i < len(o.creds.RepUserIDs) {
			o.patch(t, "User", o.creds.RepUserIDs[i], `{"CallCenterId": null}`)
		}
	}
	out, _, code := runIn(t, o.env, "", "audit", "--call-center", cc, "--json")
	if a := parseAudit(t, out); code != 0 || a.Counts.Findings["critical"]+a.Counts.Findings["error"]+a.Counts.Findings["warning"] != 0 {
		t.Fatalf("clean audit: exit %d %+v\n%s", code, a.Counts, out)
	}

	maps := o.mapIDs(t)
	rep := func(i int) string { return o.creds.RepUserIDs[i] }
	// 1: an ExternalId that is no agent; 2: the QuickConnect of rep 3's
	// agent; 4: left the contact center; 6: inactive; 7: the 15-character
	// id as MasterLabel; 10: no QuickConnect. (The org itself refuses a
	// second map to one agent, so duplicate_external_id cannot be made
	// here.)
	o.patch(t, "CallCenterRoutingMap", maps[rep(1)].ID, `{"ExternalId": "`+o.creds.ConnectInstanceARN+`/agent/00000000-0000-4000-8000-000000000000"}`)
	o.patch(t, "CallCenterRoutingMap", maps[rep(2)].ID, `{"QuickConnect": "`+maps[rep(3)].QuickConnect+`"}`)
	o.patch(t, "User", rep(4), `{"CallCenterId": null}`)
	o.patch(t, "User", rep(6), `{"IsActive": false}`)
	o.patch(t, "CallCenterRoutingMap", maps[rep(7)].ID, `{"MasterLabel": "`+rep(7)[:15]+`"}`)
	o.patch(t, "CallCenterRoutingMap", maps[rep(10)].ID, `{"QuickConnect": null}`)

	out, _, code = runIn(t, o.env, "", "audit", "--call-center", cc, "--json")
	a := parseAudit(t, out)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	got := map[string]string{} // user → severity:code
	for _, f := range a.Findings {
		if f.Severity == "info" {
			continue
		}
		if f.Fix == "" || f.Message == "" {
			t.Errorf("finding without message or fix: %+v", f)
		}
		got[f.UserID] += f.Severity + ":" + f.Code + " "
	}
	want := map[string]string{
		rep(1):  "critical:external_id_not_agent ",
		rep(2):  "error:quick_connect_wrong_agent ",
		rep(4):  "warning:map_user_not_member ",
		rep(6):  "warning:map_user_inactive ",
		rep(7):  "warning:master_label_convention ",
		rep(10): "warning:quick_connect_missing ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s\n%s", diff, out)
	}
	text, _, _ := runIn(t, o.env, "", "audit", "--call-center", cc)
	for _, s := range []string{
		"CRITICAL (1)",
		"is not an agent in Amazon Connect instance",
		"targets agent ", "transfers go to the wrong rep",
		"left the contact center (is in none); the map is stale",
		"is inactive but still mapped",
		"MasterLabel " + rep(7)[:15] + " is the 15-character user id",
		"routemap validate --fix fixed.csv maps.csv",
		"1 critical, 1 errors, 4 warnings",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("audit text lacks %q:\n%s", s, text)
		}
	}
}

// TestAuditAgentsFile audits against a partner file that has the agents
// of two reps and one of nobody.
func TestAuditAgentsFile(t *testing.T) {
	o := newConnectOrg(t, 5)
	cc := o.creds.CallCenterID
	agents := writeFile(t, "agents.csv", "username\nrep00001@demo.routemap.test\nrep00002@demo.routemap.test\nnobody@demo.routemap.test\n")
	out, errOut, code := runIn(t, o.env, "", "audit", "--call-center", cc, "--agents", agents, "--json")
	a := parseAudit(t, out)
	if code != 1 || a.Counts.Unmapped != 5 || a.Counts.Agents != 3 || a.codes("info")["agent_unmapped"] != 1 {
		t.Fatalf("exit %d %+v %v\n%s", code, a.Counts, a.codes("info"), errOut)
	}
	waiting := 0
	for _, f := range a.Findings {
		if f.Code == "unmapped_member" && strings.Contains(f.Message, "is waiting for it") {
			waiting++
		}
	}
	if waiting != 2 {
		t.Errorf("%d unmapped members with an agent waiting, want 2 (matched by username)", waiting)
	}
}
