package http_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// seedMaps creates a map for each rep of o through sObject Collections.
func (e *env) seedMaps(token string, o *org) []string {
	e.t.Helper()
	var ids []string
	for start := 0; start < len(o.Reps); start += 200 {
		var records []any
		for i := start; i < min(start+200, len(o.Reps)); i++ {
			b := mapFor(o, o.Reps[i], agentID(i+1))
			b["attributes"] = map[string]string{"type": "CallCenterRoutingMap"}
			records = append(records, b)
		}
		var res []struct {
			ID      string
			Success bool
		}
		r := e.do("POST", v62+"/composite/sobjects", token, map[string]any{"allOrNone": true, "records": records})
		r.JSON(e.t, &res)
		for _, x := range res {
			if !x.Success {
				e.t.Fatalf("seed maps: %s", r.Body)
			}
			ids = append(ids, x.ID)
		}
	}
	return ids
}

func query(soql string) string { return v62 + "/query?q=" + url.QueryEscape(soql) }

type queryPage struct {
	TotalSize      int
	Done           bool
	NextRecordsURL string
	Records        []map[string]any
}

func TestQuery(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 450)
	token := e.login(o, o.Admin)
	ids := e.seedMaps(token, o)

	t.Run("OKPagingWithBatchSize", func(t *testing.T) {
		hdr := http.Header{"Sforce-Query-Options": {"batchSize=200"}}
		var p queryPage
		e.doWith("GET", query("SELECT Id, DeveloperName FROM CallCenterRoutingMap ORDER BY DeveloperName DESC"), token, hdr, nil).JSON(t, &p)
		seen, pages, prev := map[string]bool{}, 0, "~"
		for {
			pages++
			if p.TotalSize != 450 {
				t.Fatalf("totalSize %d", p.TotalSize)
			}
			for _, rec := range p.Records {
				// Text sorts ignoring case, as in Salesforce.
				name := strings.ToLower(rec["DeveloperName"].(string))
				if name > prev {
					t.Fatalf("order broken: %s after %s", name, prev)
				}
				prev = name
				seen[rec["Id"].(string)] = true
				if len(rec) != 3 {
					t.Fatalf("record %v has fields beyond attributes, Id, DeveloperName", rec)
				}
			}
			if p.Done {
				break
			}
			if !strings.HasPrefix(p.NextRecordsURL, v62+"/query/01g") {
				t.Fatalf("nextRecordsUrl %q", p.NextRecordsURL)
			}
			next := p.NextRecordsURL
			p = queryPage{}
			e.do("GET", next, token, nil).JSON(t, &p)
		}
		if pages != 3 || len(seen) != 450 {
			t.Fatalf("%d pages, %d distinct records", pages, len(seen))
		}
	})
	t.Run("OKDefaultBatchIs2000", func(t *testing.T) {
		var p queryPage
		e.do("GET", query("SELECT Id FROM CallCenterRoutingMap"), token, nil).JSON(t, &p)
		if !p.Done || len(p.Records) != 450 || p.NextRecordsURL != "" {
			t.Fatalf("done %v, %d records, next %q", p.Done, len(p.Records), p.NextRecordsURL)
		}
	})
	t.Run("OKWhereLimitOffsetCount", func(t *testing.T) {
		for _, tc := range []struct {
			soql string
			want int
		}{
			{"SELECT COUNT() FROM CallCenterRoutingMap", 450},
			{"SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecordId = '" + o.Reps[7].ID.Short() + "'", 1},
			{"SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecordId IN ('" + string(o.Reps[1].ID) + "', '" + string(o.Reps[2].ID) + "')", 2},
			{"SELECT Id FROM CallCenterRoutingMap WHERE developername like 'user_%' AND CallCenterId = '" + string(o.Center.ID) + "' LIMIT 10", 10},
			{"SELECT Id FROM CallCenterRoutingMap ORDER BY Id LIMIT 100 OFFSET 420", 30},
			{"SELECT Id FROM CallCenterRoutingMap WHERE QuickConnect = null", 0},
			{"SELECT Id FROM CallCenterRoutingMap WHERE NOT (ExternalId != null)", 0},
			{"SELECT Id, Username FROM User WHERE CallCenterId = '" + string(o.Center.ID) + "' AND IsActive = true", 450},
			{"SELECT Id, Name FROM CallCenter", 1},
			{"SELECT Id, Name FROM Organization", 1},
		} {
			var p queryPage
			r := e.do("GET", query(tc.soql), token, nil)
			r.JSON(t, &p)
			got := len(p.Records)
			if strings.Contains(tc.soql, "COUNT()") {
				got = p.TotalSize
			}
			if r.Status != 200 || got != tc.want {
				t.Errorf("%s: %d, got %d want %d: %.300s", tc.soql, r.Status, got, tc.want, r.Body)
			}
		}
	})
	t.Run("OKQueryAllSeesDeleted", func(t *testing.T) {
		if r := e.do("DELETE", v62+"/sobjects/CallCenterRoutingMap/"+ids[0], token, nil); r.Status != 204 {
			t.Fatal(r.Status)
		}
		var live, all queryPage
		e.do("GET", query("SELECT COUNT() FROM CallCenterRoutingMap"), token, nil).JSON(t, &live)
		e.do("GET", v62+"/queryAll?q="+url.QueryEscape("SELECT Id, IsDeleted FROM CallCenterRoutingMap WHERE IsDeleted = true"), token, nil).JSON(t, &all)
		if live.TotalSize != 449 || len(all.Records) != 1 || all.Records[0]["IsDeleted"] != true {
			t.Fatalf("live %d, deleted %v", live.TotalSize, all.Records)
		}
	})
	t.Run("OKColumnMetadata", func(t *testing.T) {
		var meta struct {
			EntityName     string
			ColumnMetadata []struct{ ColumnName string }
		}
		e.do("GET", query("SELECT Id, ExternalId FROM CallCenterRoutingMap")+"&columns=true", token, nil).JSON(t, &meta)
		if meta.EntityName != "CallCenterRoutingMap" || len(meta.ColumnMetadata) != 2 || meta.ColumnMetadata[1].ColumnName != "ExternalId" {
			t.Fatalf("%+v", meta)
		}
	})
	for _, tc := range []struct{ name, soql, code string }{
		{"ErrMalformed", "SELECT Id FROM CallCenterRoutingMap WHERE", "MALFORMED_QUERY"},
		{"ErrInjection", "SELECT Id FROM CallCenterRoutingMap WHERE DeveloperName = 'x' OR 1=1 --'", "MALFORMED_QUERY"},
		{"ErrSemicolon", "SELECT Id FROM CallCenterRoutingMap; DROP TABLE routing_maps", "MALFORMED_QUERY"},
		{"ErrUnknownField", "SELECT Nope FROM CallCenterRoutingMap", "INVALID_FIELD"},
		{"ErrUnknownObject", "SELECT Id FROM Account", "INVALID_TYPE"},
		{"ErrBadID", "SELECT Id FROM CallCenterRoutingMap WHERE Id = 'abc'", "INVALID_QUERY_FILTER_OPERATOR"},
		{"ErrQuickConnectBefore56", "SELECT QuickConnect FROM CallCenterRoutingMap", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := query(tc.soql)
			code := tc.code
			if code == "" {
				path, code = strings.Replace(path, "v62.0", "v55.0", 1), "INVALID_FIELD"
			}
			r := e.do("GET", path, token, nil)
			if r.Status != 400 && !(code == "INVALID_TYPE" && r.Status == 404) || r.errorCode(t) != code {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
	}
	t.Run("ErrLocatorOfAnotherUser", func(t *testing.T) {
		hdr := http.Header{"Sforce-Query-Options": {"batchSize=200"}}
		var p queryPage
		e.doWith("GET", query("SELECT Id FROM CallCenterRoutingMap"), token, hdr, nil).JSON(t, &p)
		viewer := e.login(o, o.Viewer)
		if r := e.do("GET", p.NextRecordsURL, viewer, nil); r.Status != 400 || r.errorCode(t) != "INVALID_QUERY_LOCATOR" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if r := e.do("GET", v62+"/query/01gNOPE-200", token, nil); r.Status != 400 {
			t.Fatalf("unknown locator: %d", r.Status)
		}
	})
}
