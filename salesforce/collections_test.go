package salesforce_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/salesforce"
	"routemap/sfid"
)

// echoCreate answers a collections create with one result per record:
// an id derived from the record's DeveloperName, or an error for names
// starting with "bad".
func echoCreate(t *testing.T, sizes *[]int) responder {
	return func(req *http.Request, body []byte) (*http.Response, error) {
		var in struct {
			AllOrNone bool             `json:"allOrNone"`
			Records   []map[string]any `json:"records"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			t.Errorf("body: %v", err)
		}
		*sizes = append(*sizes, len(in.Records))
		out := []map[string]any{}
		for _, r := range in.Records {
			if attrs, _ := r["attributes"].(map[string]any); attrs["type"] != "CallCenterRoutingMap" {
				t.Errorf("record without attributes.type: %v", r)
			}
			name, _ := r["DeveloperName"].(string)
			if strings.HasPrefix(name, "bad") {
				out = append(out, map[string]any{"success": false, "errors": []map[string]any{
					{"statusCode": "DUPLICATE_VALUE", "message": "duplicate value found: DeveloperName", "fields": []string{"DeveloperName"}}}})
				continue
			}
			out = append(out, map[string]any{"id": "id-" + name, "success": true, "errors": []any{}})
		}
		return jsonAnswer(200, out)(req, body)
	}
}

func TestCreateManySplitsAndKeepsOrder(t *testing.T) {
	reg := newRegistry(t)
	var sizes []int
	reg.Register("POST", v+"/composite/sobjects", echoCreate(t, &sizes)).Times(3)
	c, _ := newClient(t, reg)
	records := make([]map[string]any, 450)
	for i := range records {
		name := fmt.Sprintf("m%03d", i)
		if i == 7 || i == 420 {
			name = "bad" + name
		}
		records[i] = map[string]any{"DeveloperName": name}
	}
	results, err := c.CreateMany(context.Background(), "CallCenterRoutingMap", records, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{200, 200, 50}, sizes); diff != "" {
		t.Errorf("request sizes (-want +got):\n%s", diff)
	}
	if len(results) != 450 {
		t.Fatalf("results = %d", len(results))
	}
	for i, r := range results {
		if i == 7 || i == 420 {
			var e *routemap.Error
			if r.Success || r.ID != "" || !errors.As(r.Err, &e) || e.Code != routemap.ECONFLICT || e.Reason != "DUPLICATE_VALUE" ||
				e.Message != "duplicate value found: DeveloperName" || !cmp.Equal(e.Fields, []string{"DeveloperName"}) {
				t.Errorf("result %d = %+v (err %#v)", i, r, r.Err)
			}
			continue
		}
		if want := (salesforce.Result{ID: fmt.Sprintf("id-m%03d", i), Success: true, Created: true}); r != want {
			t.Errorf("result %d = %+v, want %+v", i, r, want)
		}
	}
	if _, has := records[0]["attributes"]; has {
		t.Error("CreateMany changed the caller's map")
	}
}

func TestCreateManyAllOrNoneHalts(t *testing.T) {
	reg := newRegistry(t)
	var sizes []int
	reg.Register("POST", v+"/composite/sobjects", echoCreate(t, &sizes)).Check(func(t *testing.T, req *http.Request, body []byte) {
		if !strings.HasPrefix(string(body), `{"allOrNone":true,`) {
			t.Errorf("body starts %.40s", body)
		}
	})
	c, _ := newClient(t, reg)
	records := make([]map[string]any, 250)
	for i := range records {
		records[i] = map[string]any{"DeveloperName": fmt.Sprintf("m%03d", i)}
	}
	records[3]["DeveloperName"] = "bad"
	results, err := c.CreateMany(context.Background(), "CallCenterRoutingMap", records, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 1 || len(results) != 250 {
		t.Fatalf("requests %v, results %d", sizes, len(results))
	}
	for i := 200; i < 250; i++ {
		if r := results[i]; r.Success || routemap.ErrorCode(r.Err) != routemap.EINVALID || !strings.Contains(r.Err.Error(), "allOrNone") {
			t.Errorf("result %d = %+v", i, r)
		}
	}
}

func TestCreateManyRequestError(t *testing.T) {
	reg := newRegistry(t)
	var sizes []int
	reg.Register("POST", v+"/composite/sobjects", echoCreate(t, &sizes))
	reg.Register("POST", v+"/composite/sobjects", sfErrors(400, "JSON_PARSER_ERROR", "Unexpected character"))
	c, _ := newClient(t, reg)
	records := make([]map[string]any, 300)
	for i := range records {
		records[i] = map[string]any{"DeveloperName": fmt.Sprintf("m%03d", i)}
	}
	results, err := c.CreateMany(context.Background(), "CallCenterRoutingMap", records, false)
	if routemap.ErrorCode(err) != routemap.EINVALID || !strings.Contains(err.Error(), "records 201 to 300") {
		t.Fatalf("err = %v", err)
	}
	if len(results) != 200 {
		t.Errorf("results = %d, want the 200 of the first request", len(results))
	}
}

func TestCreateManyRefusesID(t *testing.T) {
	reg := newRegistry(t)
	c, _ := newClient(t, reg)
	_, err := c.CreateMany(context.Background(), "CallCenterRoutingMap", []map[string]any{{"id": "0RmHs0000000AbCKAU"}}, false)
	if routemap.ErrorCode(err) != routemap.EINVALID {
		t.Fatalf("err = %v", err)
	}
}

func TestUpdateMany(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("PATCH", v+"/composite/sobjects", jsonAnswer(200, []map[string]any{
		{"id": "0RmHs0000000AbCKAU", "success": true, "errors": []any{}},
		{"success": false, "errors": []map[string]any{{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []any{}}}},
	})).Check(func(t *testing.T, req *http.Request, body []byte) {
		want := `{"allOrNone":false,"records":[{"ExternalId":"a","attributes":{"type":"CallCenterRoutingMap"},"id":"0RmHs0000000AbCKAU"},` +
			`{"QuickConnect":null,"attributes":{"type":"CallCenterRoutingMap"},"id":"0RmHs0000000AbDKAU"}]}`
		if string(body) != want {
			t.Errorf("body\n %s\nwant\n %s", body, want)
		}
	})
	c, _ := newClient(t, reg)
	results, err := c.UpdateMany(context.Background(), "CallCenterRoutingMap", []map[string]any{
		{"Id": "0RmHs0000000AbC", "ExternalId": "a"},
		{"id": "0RmHs0000000AbDKAU", "QuickConnect": nil},
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []salesforce.Result{
		{ID: "0RmHs0000000AbCKAU", Success: true},
		{ID: "0RmHs0000000AbDKAU", Err: &routemap.Error{Code: routemap.ENOTFOUND, Reason: "ENTITY_IS_DELETED", Message: "entity is deleted"}},
	}
	if diff := cmp.Diff(want, results); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}

	t.Run("ErrMissingID", func(t *testing.T) {
		_, err := c.UpdateMany(context.Background(), "CallCenterRoutingMap", []map[string]any{{"ExternalId": "a"}}, false)
		if routemap.ErrorCode(err) != routemap.EINVALID || !strings.Contains(err.Error(), "record 1") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestDeleteMany(t *testing.T) {
	reg := newRegistry(t)
	ids := make([]string, 201)
	for i := range ids {
		ids[i] = string(mintID(t, i))
	}
	reg.Register("DELETE", v+"/composite/sobjects?allOrNone=true&ids="+strings.Join(ids[:200], ","), func(req *http.Request, body []byte) (*http.Response, error) {
		out := make([]map[string]any, 200)
		for i := range out {
			out[i] = map[string]any{"id": ids[i], "success": true, "errors": []any{}}
		}
		return jsonAnswer(200, out)(req, body)
	})
	reg.Register("DELETE", v+"/composite/sobjects?allOrNone=true&ids="+ids[200], jsonAnswer(200, []map[string]any{
		{"id": ids[200], "success": false, "errors": []map[string]any{{"statusCode": "INSUFFICIENT_ACCESS_OR_READONLY", "message": "insufficient access rights on object id"}}}}))
	c, _ := newClient(t, reg)
	results, err := c.DeleteMany(context.Background(), ids, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 201 || !results[0].Success || results[0].ID != ids[0] || results[199].ID != ids[199] {
		t.Errorf("results %d: %+v … %+v", len(results), results[0], results[199])
	}
	if r := results[200]; r.Success || routemap.ErrorCode(r.Err) != routemap.EFORBIDDEN || r.ID != ids[200] {
		t.Errorf("last = %+v", r)
	}
	if _, err := c.DeleteMany(context.Background(), []string{"nope"}, false); routemap.ErrorCode(err) != routemap.EINVALID {
		t.Errorf("malformed id: err = %v", err)
	}
}

// mintID returns the n-th routing-map id for tests.
func mintID(t *testing.T, n int) sfid.ID {
	t.Helper()
	id, err := sfid.New("0Rm", "Hs", uint64(n+1))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRetrieveMany(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("POST", v+"/composite/sobjects/CallCenterRoutingMap", jsonAnswer(200, []any{
		map[string]any{"attributes": map[string]any{"type": "CallCenterRoutingMap"}, "Id": "0RmHs0000000AbCKAU", "ExternalId": "a"},
		nil,
	})).Check(func(t *testing.T, req *http.Request, body []byte) {
		if want := `{"fields":["Id","ExternalId"],"ids":["0RmHs0000000AbCKAU","0RmHs0000000AbDKAU"]}`; string(body) != want {
			t.Errorf("body %s", body)
		}
	})
	c, _ := newClient(t, reg)
	recs, err := c.RetrieveMany(context.Background(), "CallCenterRoutingMap", []string{"0RmHs0000000AbCKAU", "0RmHs0000000AbDKAU"}, []string{"Id", "ExternalId"})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].String("ExternalId") != "a" || recs[1] != nil {
		t.Errorf("records = %v", recs)
	}
	if _, err := c.RetrieveMany(context.Background(), "CallCenterRoutingMap", []string{"0RmHs0000000AbCKAU"}, nil); routemap.ErrorCode(err) != routemap.EINVALID {
		t.Errorf("no fields: err = %v", err)
	}
}
