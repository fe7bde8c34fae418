package http_test

import (
	"strings"
	"sync"
	"testing"

	rmhttp "routemap/http"
)

type result struct {
	ID      *string
	Success bool
	Errors  []struct {
		StatusCode string
		Message    string
		Fields     []string
	}
}

func withType(b map[string]any) map[string]any {
	b["attributes"] = map[string]string{"type": "CallCenterRoutingMap"}
	return b
}

func TestCollections(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 10)
	token := e.login(o, o.Admin)

	t.Run("OKCreatePartial", func(t *testing.T) {
		bad := withType(mapFor(o, o.Outsider, agentID(100)))
		body := map[string]any{"allOrNone": false, "records": []any{
			withType(mapFor(o, o.Reps[0], agentID(1))), bad, withType(mapFor(o, o.Reps[1], agentID(2))),
		}}
		var res []result
		r := e.do("POST", v62+"/composite/sobjects", token, body)
		r.JSON(t, &res)
		if r.Status != 200 || len(res) != 3 || !res[0].Success || res[1].Success || !res[2].Success {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if res[1].ID != nil || res[1].Errors[0].StatusCode != "FIELD_INTEGRITY_EXCEPTION" || !strings.Contains(string(r.Body), `"statusCode"`) {
			t.Fatalf("failed record: %s", r.Body)
		}
	})
	t.Run("OKAllOrNoneRollsBack", func(t *testing.T) {
		body := map[string]any{"allOrNone": true, "records": []any{
			withType(mapFor(o, o.Reps[2], agentID(3))), withType(mapFor(o, o.Reps[3], agentID(1))), // agent 1 is taken
		}}
		var res []result
		e.do("POST", v62+"/composite/sobjects", token, body).JSON(t, &res)
		if res[0].Success || res[0].Errors[0].StatusCode != "ALL_OR_NONE_OPERATION_ROLLED_BACK" || res[1].Errors[0].StatusCode != "DUPLICATE_VALUE" {
			t.Fatalf("%+v", res)
		}
		var q queryPage
		e.do("GET", query("SELECT COUNT() FROM CallCenterRoutingMap WHERE ReferenceRecordId = '"+string(o.Reps[2].ID)+"'"), token, nil).JSON(t, &q)
		if q.TotalSize != 0 {
			t.Fatal("rolled-back record was stored")
		}
	})
	t.Run("OKAllOrNoneWithAnInvalidRecord", func(t *testing.T) {
		body := map[string]any{"allOrNone": true, "records": []any{
			withType(mapFor(o, o.Reps[2], agentID(3))), withType(map[string]any{"ExternalId": "x"}),
		}}
		var res []result
		e.do("POST", v62+"/composite/sobjects", token, body).JSON(t, &res)
		if res[0].Success || res[0].Errors[0].StatusCode != "ALL_OR_NONE_OPERATION_ROLLED_BACK" || res[1].Errors[0].StatusCode != "REQUIRED_FIELD_MISSING" {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("OKUpdateAndRetrieveAndDelete", func(t *testing.T) {
		var created []result
		e.do("POST", v62+"/composite/sobjects", token, map[string]any{"records": []any{
			withType(mapFor(o, o.Reps[4], agentID(4))), withType(mapFor(o, o.Reps[5], agentID(5)))}}).JSON(t, &created)
		a, b := *created[0].ID, *created[1].ID
		var upd []result
		e.do("PATCH", v62+"/composite/sobjects", token, map[string]any{"records": []any{
			map[string]any{"attributes": map[string]string{"type": "CallCenterRoutingMap"}, "id": a, "MasterLabel": "Label A"},
			map[string]any{"attributes": map[string]string{"type": "CallCenterRoutingMap"}, "id": "0RmRm00000ZZZZZ", "MasterLabel": "x"},
			map[string]any{"attributes": map[string]string{"type": "CallCenterRoutingMap"}, "MasterLabel": "no id"},
		}}).JSON(t, &upd)
		if !upd[0].Success || upd[1].Success || upd[1].Errors[0].StatusCode != "INVALID_CROSS_REFERENCE_KEY" || *upd[1].ID != "0RmRm00000ZZZZZ" || upd[2].Success {
			t.Fatalf("%+v", upd)
		}
		var recs []map[string]any
		e.do("GET", v62+"/composite/sobjects/CallCenterRoutingMap?ids="+a+","+b+",0RmRm00000ZZZZZAAA&fields=Id,MasterLabel", token, nil).JSON(t, &recs)
		if len(recs) != 3 || recs[0]["MasterLabel"] != "Label A" || recs[1]["Id"] != b || recs[2] != nil {
			t.Fatalf("%v", recs)
		}
		var del []result
		e.do("DELETE", v62+"/composite/sobjects?ids="+a+","+b+",garbage&allOrNone=false", token, nil).JSON(t, &del)
		if !del[0].Success || !del[1].Success || del[2].Success || *del[0].ID != a {
			t.Fatalf("%+v", del)
		}
	})
	t.Run("ErrTooManyRecords", func(t *testing.T) {
		records := make([]any, 201)
		for i := range records {
			records[i] = withType(map[string]any{"ExternalId": "x"})
		}
		r := e.do("POST", v62+"/composite/sobjects", token, map[string]any{"records": records})
		if r.Status != 400 || r.errorCode(t) != "EXCEEDED_ID_LIMIT" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("ErrMissingType", func(t *testing.T) {
		var res []result
		e.do("POST", v62+"/composite/sobjects", token, map[string]any{"records": []any{mapFor(o, o.Reps[6], agentID(6))}}).JSON(t, &res)
		if res[0].Success || res[0].Errors[0].StatusCode != "INVALID_TYPE" {
			t.Fatalf("%+v", res)
		}
	})
}

func TestRequestLimit(t *testing.T) {
	e := newEnv(t, func(s *rmhttp.Server) { s.DailyRequestLimit = 5 })
	o := e.seed("Acme", 0)
	token := e.login(o, o.Admin)
	for i := 1; i <= 5; i++ {
		r := e.do("GET", v62+"/sobjects", token, nil)
		if r.Status != 200 || r.Header.Get("Sforce-Limit-Info") != "api-usage="+string(rune('0'+i))+"/5" {
			t.Fatalf("request %d: %d %q", i, r.Status, r.Header.Get("Sforce-Limit-Info"))
		}
	}
	r := e.do("GET", v62+"/sobjects", token, nil)
	if r.Status != 403 || r.errorCode(t) != "REQUEST_LIMIT_EXCEEDED" {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	// Another org has its own allowance.
	other := e.seed("Globex", 0)
	if r := e.do("GET", v62+"/sobjects", e.login(other, other.Admin), nil); r.Status != 200 {
		t.Fatalf("other org: %d", r.Status)
	}
	// A new UTC day starts a new count.
	e.advance(24 * 60 * 60 * 1e9)
	if r := e.do("GET", v62+"/sobjects", e.login(o, o.Admin), nil); r.Status != 200 {
		t.Fatalf("next day: %d %s", r.Status, r.Body)
	}
}

func TestErrorsAreJSON(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 0)
	token := e.login(o, o.Admin)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/nowhere"},
		{"PUT", v62 + "/sobjects/CallCenterRoutingMap"},
		{"POST", v62 + "/sobjects/User"},
		{"GET", v62 + "/sobjects/CallCenterRoutingMap/ExternalId/abc"},
		{"GET", v62 + "/query"},
		{"GET", "/services/oauth2/nope"},
	} {
		r := e.do(tc.method, tc.path, token, nil)
		var list []map[string]any
		r.JSON(t, &list)
		if r.Status < 400 || len(list) != 1 || list[0]["errorCode"] == "" || list[0]["message"] == "" {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, r.Status, r.Body)
		}
	}
}

// TestBurst opens 1,000 connections at once; the server must answer every
// one it accepts and stay up.
func TestBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 1,000 connections")
	}
	e := newEnv(t)
	o := e.seed("Acme", 0)
	token := e.login(o, o.Admin)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	client := &httpClient{}
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status := client.get(e.srv.URL()+v62+"/sobjects/CallCenterRoutingMap/describe", token)
			mu.Lock()
			codes[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[200] < 990 {
		t.Errorf("statuses %v: fewer than 990 of 1,000 answered", codes)
	}
	if r := e.do("GET", "/healthz", "", nil); r.Status != 200 {
		t.Fatalf("after the burst: %d", r.Status)
	}
}
