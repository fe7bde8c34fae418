package http_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	encsv "encoding/csv"

	"routemap"
	rmhttp "routemap/http"
	"routemap/sfid"
)

const ingest = v62 + "/jobs/ingest"

type job struct {
	ID                     string
	State                  string
	Operation              string
	Object                 string
	ContentURL             string
	APIVersion             float64
	NumberRecordsProcessed int
	NumberRecordsFailed    int
	ErrorMessage           string
}

func (e *env) createJob(token string, req map[string]any) job {
	e.t.Helper()
	var j job
	r := e.do("POST", ingest, token, req)
	if r.Status != 200 {
		e.t.Fatalf("create job: %d %s", r.Status, r.Body)
	}
	r.JSON(e.t, &j)
	return j
}

// upload PUTs CSV data to a job's contentUrl.
func (e *env) upload(token string, j job, data string) *response {
	e.t.Helper()
	req, _ := http.NewRequest("PUT", e.srv.URL()+"/"+j.ContentURL, strings.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// runJob uploads data, closes the job and waits until it ends.
func (e *env) runJob(token string, req map[string]any, data string) job {
	e.t.Helper()
	j := e.createJob(token, req)
	if r := e.upload(token, j, data); r.Status != 201 {
		e.t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	if r := e.do("PATCH", ingest+"/"+j.ID, token, map[string]string{"state": "UploadComplete"}); r.Status != 200 {
		e.t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	return e.waitJob(token, j.ID)
}

func (e *env) waitJob(token, id string) job {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var j job
		e.do("GET", ingest+"/"+id, token, nil).JSON(e.t, &j)
		switch j.State {
		case "JobComplete", "Failed", "Aborted":
			return j
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s still %s", id, j.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// results fetches a result file as rows of fields.
func (e *env) results(token, id, kind string) [][]string {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL()+ingest+"/"+id+"/"+kind, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv" {
		e.t.Fatalf("%s: %d %s", kind, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rows, err := encsv.NewReader(resp.Body).ReadAll()
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

func csvRow(o *org, rep *routemap.User, agent int) string {
	m := mapFor(o, rep, agentID(agent))
	return fmt.Sprintf("%s,%s,%s,%s,%s,%s\n", m["ExternalId"], m["ReferenceRecordId"], m["CallCenterId"], m["DeveloperName"], m["MasterLabel"], m["QuickConnect"])
}

const csvHeader = "ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel,QuickConnect\n"

func TestBulkInsert(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 4)
	token := e.login(o, o.Admin)
	data := csvHeader + csvRow(o, o.Reps[0], 1) + csvRow(o, o.Reps[1], 2) + csvRow(o, o.Outsider, 3) + csvRow(o, o.Reps[2], 4)
	j := e.runJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "insert"}, data)
	if j.State != "JobComplete" || j.NumberRecordsProcessed != 4 || j.NumberRecordsFailed != 1 || j.APIVersion != 62 {
		t.Fatalf("%+v", j)
	}
	ok := e.results(token, j.ID, "successfulResults")
	if strings.Join(ok[0], ",") != "sf__Id,sf__Created,"+strings.TrimSpace(csvHeader) || len(ok) != 4 {
		t.Fatalf("successful results %v", ok)
	}
	for _, row := range ok[1:] {
		if !strings.HasPrefix(row[0], "0Rm") || row[1] != "true" || len(row) != 8 {
			t.Fatalf("row %v", row)
		}
	}
	bad := e.results(token, j.ID, "failedResults")
	if len(bad) != 2 || bad[0][1] != "sf__Error" || !strings.HasPrefix(bad[1][1], "FIELD_INTEGRITY_EXCEPTION:User ") ||
		!strings.HasSuffix(bad[1][1], ":ReferenceRecordId,CallCenterId --") || bad[1][3] != string(o.Outsider.ID) {
		t.Fatalf("failed results %q", bad)
	}
	if un := e.results(token, j.ID, "unprocessedrecords"); len(un) != 1 {
		t.Fatalf("unprocessed %v", un)
	}
	var list struct {
		Done    bool
		Records []job
	}
	e.do("GET", ingest, token, nil).JSON(t, &list)
	if !list.Done || len(list.Records) != 1 || list.Records[0].ID != j.ID {
		t.Fatalf("list %+v", list)
	}
	// The same rows through REST are judged the same way.
	if r := e.do("POST", v62+"/sobjects/CallCenterRoutingMap", token, mapFor(o, o.Outsider, agentID(3))); r.Status != 400 || r.errorCode(t) != "FIELD_INTEGRITY_EXCEPTION" {
		t.Fatalf("REST: %d %s", r.Status, r.Body)
	}
	if r := e.do("DELETE", ingest+"/"+j.ID, token, nil); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := e.do("GET", ingest+"/"+j.ID, token, nil); r.Status != 404 || !strings.Contains(string(r.Body), "The requested resource does not exist") {
		t.Fatalf("deleted job: %d %s", r.Status, r.Body)
	}
}

func TestBulkUpsertUpdateDelete(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 4)
	token := e.login(o, o.Admin)
	first := e.create(token, mapFor(o, o.Reps[0], agentID(1)))
	second := e.create(token, mapFor(o, o.Reps[1], agentID(2)))

	t.Run("OKUpsertOnId", func(t *testing.T) {
		data := "Id,ExternalId,ReferenceRecordId,CallCenterId,DeveloperName,MasterLabel\n" +
			string(first) + ",,,,,Label One\n" +
			"," + strings.TrimSuffix(csvRow(o, o.Reps[2], 3), ","+mapFor(o, o.Reps[2], agentID(3))["QuickConnect"].(string)+"\n") + "\n"
		j := e.runJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "upsert", "externalIdFieldName": "Id"}, data)
		if j.State != "JobComplete" || j.NumberRecordsFailed != 0 {
			t.Fatalf("%+v %v", j, e.results(token, j.ID, "failedResults"))
		}
		ok := e.results(token, j.ID, "successfulResults")
		if ok[1][0] != string(first) || ok[1][1] != "false" || ok[2][1] != "true" {
			t.Fatalf("%v", ok)
		}
		var m map[string]any
		e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+string(first), token, nil).JSON(t, &m)
		if m["MasterLabel"] != "Label One" || m["ExternalId"] == "" {
			t.Fatalf("%v", m)
		}
	})
	t.Run("OKUpsertOnDeveloperNameAndNAClears", func(t *testing.T) {
		name := routemap.DeveloperNameFor(o.Reps[1].ID, o.Center.ID)
		data := "DeveloperName,QuickConnect\n" + strings.ToLower(name) + ",#N/A\n"
		j := e.runJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "upsert", "externalIdFieldName": "developername"}, data)
		if j.State != "JobComplete" || j.NumberRecordsFailed != 0 {
			t.Fatalf("%+v %v", j, e.results(token, j.ID, "failedResults"))
		}
		var m map[string]any
		e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+string(second), token, nil).JSON(t, &m)
		if m["QuickConnect"] != nil {
			t.Fatalf("#N/A did not clear QuickConnect: %v", m)
		}
	})
	t.Run("OKDelete", func(t *testing.T) {
		j := e.runJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "delete"}, "Id\n"+string(second)+"\n0RmRm00000ZZZZZ\n")
		if j.State != "JobComplete" || j.NumberRecordsProcessed != 2 || j.NumberRecordsFailed != 1 {
			t.Fatalf("%+v", j)
		}
		if r := e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+string(second), token, nil); r.Status != 404 {
			t.Fatalf("deleted map still there: %d", r.Status)
		}
	})
	t.Run("ErrUnknownColumnFailsTheJob", func(t *testing.T) {
		j := e.runJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "insert"}, "ExternalId,Nope\na,b\nc,d\n")
		if j.State != "Failed" || !strings.Contains(j.ErrorMessage, "Field name not found : Nope") {
			t.Fatalf("%+v", j)
		}
		if un := e.results(token, j.ID, "unprocessedrecords"); len(un) != 3 {
			t.Fatalf("unprocessed %v", un)
		}
	})
	t.Run("ErrUpdateWithoutId", func(t *testing.T) {
		j := e.runJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "update"}, "MasterLabel\nx\n")
		if j.State != "Failed" {
			t.Fatalf("%+v", j)
		}
	})
}

func TestBulkJobRules(t *testing.T) {
	e := newEnv(t, func(s *rmhttp.Server) { s.MaxUploadBytes = 1000 })
	o := e.seed("Acme", 1)
	token, viewer := e.login(o, o.Admin), e.login(o, o.Viewer)
	for _, tc := range []struct {
		name  string
		token string
		req   map[string]any
		code  string
	}{
		{"ErrViewer", viewer, map[string]any{"object": "CallCenterRoutingMap", "operation": "insert"}, "INSUFFICIENT_ACCESS_OR_READONLY"},
		{"ErrObject", token, map[string]any{"object": "Account", "operation": "insert"}, "INVALIDJOB"},
		{"ErrOperation", token, map[string]any{"object": "CallCenterRoutingMap", "operation": "merge"}, "INVALIDJOB"},
		{"ErrUpsertKey", token, map[string]any{"object": "CallCenterRoutingMap", "operation": "upsert", "externalIdFieldName": "ExternalId"}, "INVALIDJOB"},
		{"ErrDelimiter", token, map[string]any{"object": "CallCenterRoutingMap", "operation": "insert", "columnDelimiter": "COLON"}, "INVALIDJOB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", ingest, tc.token, tc.req)
			if r.Status != 400 || r.errorCode(t) != tc.code {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
	}
	t.Run("ErrUploadTooLarge", func(t *testing.T) {
		j := e.createJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "insert"})
		if r := e.upload(token, j, csvHeader+strings.Repeat(csvRow(o, o.Reps[0], 1), 10)); r.Status != 413 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		// The failed upload left nothing, and the job takes a new one.
		if r := e.upload(token, j, csvHeader+csvRow(o, o.Reps[0], 1)); r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if r := e.upload(token, j, csvHeader); r.Status != 400 || r.errorCode(t) != "INVALIDJOBSTATE" {
			t.Fatalf("second upload: %d %s", r.Status, r.Body)
		}
	})
	t.Run("OKAbort", func(t *testing.T) {
		j := e.createJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "insert"})
		var got job
		e.do("PATCH", ingest+"/"+j.ID, token, map[string]string{"state": "Aborted"}).JSON(t, &got)
		if got.State != "Aborted" {
			t.Fatalf("%+v", got)
		}
		if r := e.upload(token, j, csvHeader); r.Status != 400 {
			t.Fatalf("upload to aborted job: %d", r.Status)
		}
		if r := e.do("PATCH", ingest+"/"+j.ID, token, map[string]string{"state": "UploadComplete"}); r.Status != 400 {
			t.Fatalf("close aborted job: %d", r.Status)
		}
	})
	t.Run("ErrOtherOrgsJob", func(t *testing.T) {
		j := e.createJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "insert"})
		other := e.seed("Globex", 0)
		ot := e.login(other, other.Admin)
		for _, m := range []string{"GET", "DELETE"} {
			if r := e.do(m, ingest+"/"+j.ID, ot, nil); r.Status != 404 {
				t.Fatalf("%s from another org: %d", m, r.Status)
			}
		}
	})
}

// TestBulkResumesAfterRestart simulates a crash after the first chunk
// committed: a new server must finish the job without applying a row
// twice or losing one.
func TestBulkResumesAfterRestart(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 25000)
	token := e.login(o, o.Admin)
	var sb strings.Builder
	sb.WriteString(csvHeader)
	for i, rep := range o.Reps {
		sb.WriteString(csvRow(o, rep, i+1))
	}
	j := e.createJob(token, map[string]any{"object": "CallCenterRoutingMap", "operation": "insert"})
	if r := e.upload(token, j, sb.String()); r.Status != 201 {
		t.Fatal(r.Status)
	}
	// Stop the server's processing, then play the first chunk by hand as
	// the dead server would have.
	e.srv.Close()
	ctx := t.Context()
	id := sfid.MustParse(j.ID)
	if _, err := e.store.SetJobState(ctx, o.ID, id, []routemap.JobState{routemap.JobOpen}, routemap.JobInProgress, ""); err != nil {
		t.Fatal(err)
	}
	rows := make([]routemap.JobRow, routemap.JobChunkSize)
	for i := range rows {
		m := mapFor(o, o.Reps[i], agentID(i+1))
		rows[i] = routemap.JobRow{Number: i + 1, Op: &routemap.RoutingMapOp{Kind: routemap.OpCreate, Map: routemap.RoutingMap{
			ExternalID: m["ExternalId"].(string), ReferenceRecordID: o.Reps[i].ID, CallCenterID: o.Center.ID,
			DeveloperName: m["DeveloperName"].(string), MasterLabel: m["MasterLabel"].(string), QuickConnect: m["QuickConnect"].(string)}}}
	}
	if err := e.store.ApplyJobChunk(ctx, o.ID, o.Admin.ID, id, 0, rows, 0); err != nil {
		t.Fatal(err)
	}
	srv := rmhttp.NewServer(e.store)
	srv.Addr = "127.0.0.1:0"
	srv.Now = e.clock
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	e.srv = srv
	done := e.waitJob(token, j.ID)
	if done.State != "JobComplete" || done.NumberRecordsProcessed != 25000 || done.NumberRecordsFailed != 0 {
		t.Fatalf("%+v", done)
	}
	var q queryPage
	e.do("GET", query("SELECT COUNT() FROM CallCenterRoutingMap"), token, nil).JSON(t, &q)
	if q.TotalSize != 25000 {
		t.Fatalf("%d maps, want 25000", q.TotalSize)
	}
	if ok := e.results(token, j.ID, "successfulResults"); len(ok) != 25001 {
		t.Fatalf("%d successful rows", len(ok)-1)
	}
}
