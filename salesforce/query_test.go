package salesforce_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/salesforce"
)

// page builds a query page of records with the given ids.
func page(total int, done bool, next any, ids ...string) responder {
	recs := []map[string]any{}
	for _, id := range ids {
		recs = append(recs, map[string]any{"attributes": map[string]any{"type": "CallCenterRoutingMap"}, "Id": id})
	}
	body := map[string]any{"totalSize": total, "done": done, "records": recs}
	if next != "absent" {
		body["nextRecordsUrl"] = next
	}
	return jsonAnswer(200, body)
}

func collect(t *testing.T, c *salesforce.Client, soql string) []string {
	t.Helper()
	var got []string
	if err := c.Query(context.Background(), soql, func(rec salesforce.Record) error {
		got = append(got, rec.String("Id"))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestQueryPaging(t *testing.T) {
	const soql = "SELECT Id FROM CallCenterRoutingMap"
	q := v + "/query?" + url.Values{"q": {soql}}.Encode()
	for _, tc := range []struct {
		name     string
		register func(reg *registry)
	}{
		{"AbsolutePathThenAbsent", func(reg *registry) {
			reg.Register("GET", q, page(3, false, v+"/query/01gHs00000XYZ-1", "a"))
			reg.Register("GET", v+"/query/01gHs00000XYZ-1", page(3, false, v+"/query/01gHs00000XYZ-2", "b"))
			reg.Register("GET", v+"/query/01gHs00000XYZ-2", page(3, true, "absent", "c"))
		}},
		{"NullWhenDone", func(reg *registry) {
			reg.Register("GET", q, page(3, false, v+"/query/01g-2", "a", "b"))
			reg.Register("GET", v+"/query/01g-2", page(3, true, nil, "c"))
		}},
		{"AbsoluteURL", func(reg *registry) {
			reg.Register("GET", q, page(3, false, instance+v+"/query/01g-2", "a", "b"))
			reg.Register("GET", v+"/query/01g-2", page(3, true, nil, "c"))
		}},
		{"RelativeToInstance", func(reg *registry) {
			reg.Register("GET", q, page(3, false, "services/data/v62.0/query/01g-2", "a", "b"))
			reg.Register("GET", v+"/query/01g-2", page(3, true, nil, "c"))
		}},
		{"BareLocator", func(reg *registry) {
			reg.Register("GET", q, page(3, false, "01g-2", "a", "b"))
			reg.Register("GET", v+"/query/01g-2", page(3, true, nil, "c"))
		}},
		{"NotDoneButNoURL", func(reg *registry) {
			// jsforce would re-run the query forever; we stop.
			reg.Register("GET", q, page(3, false, nil, "a", "b", "c"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := newRegistry(t)
			tc.register(reg)
			c, _ := newClient(t, reg)
			if diff := cmp.Diff([]string{"a", "b", "c"}, collect(t, c, soql)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQueryRefusesOtherHost(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", v+"/query", page(2, false, "https://evil.example.com/services/data/v62.0/query/01g-1", "a"))
	c, _ := newClient(t, reg)
	err := c.Query(context.Background(), "SELECT Id FROM User", func(salesforce.Record) error { return nil })
	if routemap.ErrorCode(err) != routemap.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
}

func TestQueryAllAndBatchSize(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", v+"/queryAll?q=SELECT+Id+FROM+User", page(1, false, "01g-1", "a")).
		Check(func(t *testing.T, req *http.Request, body []byte) {
			if got := req.Header.Get("Sforce-Query-Options"); got != "batchSize=200" {
				t.Errorf("Sforce-Query-Options = %q", got)
			}
		})
	reg.Register("GET", v+"/queryAll/01g-1", page(1, true, nil)).
		Check(func(t *testing.T, req *http.Request, body []byte) {
			if got := req.Header.Get("Sforce-Query-Options"); got != "batchSize=200" {
				t.Errorf("next page: Sforce-Query-Options = %q", got)
			}
		})
	c, _ := newClient(t, reg, func(o *salesforce.Options) { o.QueryBatchSize = 200 })
	n := 0
	if err := c.QueryAll(context.Background(), "SELECT Id FROM User", func(salesforce.Record) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("records = %d", n)
	}
}

func TestQueryStopsOnCallbackError(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", v+"/query", page(4, false, "01g-2", "a", "b"))
	c, _ := newClient(t, reg)
	stop := errors.New("stop")
	err := c.Query(context.Background(), "SELECT Id FROM User", func(rec salesforce.Record) error { return stop })
	if err != stop {
		t.Fatalf("err = %v, want the callback's error as is", err)
	}
}

func TestRecord(t *testing.T) {
	var rec salesforce.Record
	if err := json.Unmarshal([]byte(`{"attributes":{"type":"CallCenterRoutingMap"},"Id":"0RmHs0000000AbCKAU","IsDeleted":false,
		"QuickConnect":null,"Count":3,"ReferenceRecord":{"attributes":{"type":"User"},"Name":"Jane Doe","IsActive":true},"Flag":"true"}`), &rec); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ field, want string }{
		{"Id", "0RmHs0000000AbCKAU"},
		{"id", "0RmHs0000000AbCKAU"},
		{"QuickConnect", ""},
		{"Missing", ""},
		{"Count", "3"},
		{"IsDeleted", "false"},
		{"ReferenceRecord.Name", "Jane Doe"},
		{"referencerecord.name", "Jane Doe"},
		{"ReferenceRecord.Missing", ""},
		{"Id.Nested", ""},
	} {
		if got := rec.String(tc.field); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.field, got, tc.want)
		}
	}
	if !rec.Bool("ReferenceRecord.IsActive") || rec.Bool("IsDeleted") || !rec.Bool("Flag") || rec.Bool("Missing") {
		t.Error("Bool")
	}
	if rec.ID() != "0RmHs0000000AbCKAU" || rec.Type() != "CallCenterRoutingMap" {
		t.Errorf("ID %q Type %q", rec.ID(), rec.Type())
	}
	if (salesforce.Record{"Id": "junk"}).ID() != "" {
		t.Error("ID of a malformed id is not zero")
	}
}

func TestQuoteString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", `'plain'`},
		{"O'Brien", `'O\'Brien'`},
		{`back\slash`, `'back\\slash'`},
		{`say "hi"`, `'say \"hi\"'`},
		{"two\nlines\r\tend", `'two\nlines\r\tend'`},
		{"' OR Id != null OR Id = '", `'\' OR Id != null OR Id = \''`},
		{"100%_wild", `'100%_wild'`},
		{"ünïcödé", `'ünïcödé'`},
	} {
		if got := salesforce.QuoteString(tc.in); got != tc.want {
			t.Errorf("QuoteString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
