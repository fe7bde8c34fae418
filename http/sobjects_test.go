package http_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
)

func TestVersionsAndResources(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 0)
	var versions []struct{ Label, URL, Version string }
	r := e.do("GET", "/services/data/", "", nil)
	r.JSON(t, &versions)
	if r.Status != 200 || len(versions) != 18 || versions[0].Version != "50.0" || versions[17].Version != "67.0" ||
		versions[3].Label != "Winter '22" || versions[17].Label != "Summer '26" || versions[12].URL != "/services/data/v62.0" {
		t.Fatalf("%d %+v", r.Status, versions)
	}
	token := e.login(o, o.Admin)
	// The Salesforce CLI sends //services/...; it must be served, not redirected.
	r = e.do("GET", "//services/data/v50.0/", token, nil)
	var res map[string]string
	r.JSON(t, &res)
	if r.Status != 200 || res["sobjects"] != "/services/data/v50.0/sobjects" || res["query"] != "/services/data/v50.0/query" {
		t.Fatalf("%d %v", r.Status, res)
	}
	for _, bad := range []string{"/services/data/v49.0/", "/services/data/v68.0/", "/services/data/62.0/", "/nope"} {
		if r := e.do("GET", bad, token, nil); r.Status != 404 || r.errorCode(t) != "NOT_FOUND" {
			t.Errorf("%s: %d %s", bad, r.Status, r.Body)
		}
	}
	if r := e.do("GET", v62+"/sobjects", token, nil); r.Header.Get("Sforce-Limit-Info") == "" {
		t.Error("no Sforce-Limit-Info header")
	}
}

func TestDescribe(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 0)
	admin, viewer := e.login(o, o.Admin), e.login(o, o.Viewer)
	type field struct {
		Name, Type            string
		Length                int
		Nillable, Createable  bool
		ReferenceTo           []string
		PolymorphicForeignKey bool
	}
	var d struct {
		Name, KeyPrefix string
		Createable      bool
		Fields          []field
	}
	e.do("GET", v62+"/sobjects/CallCenterRoutingMap/describe", admin, nil).JSON(t, &d)
	if d.Name != "CallCenterRoutingMap" || d.KeyPrefix != "0Rm" || !d.Createable {
		t.Fatalf("%+v", d)
	}
	byName := map[string]field{}
	for _, f := range d.Fields {
		byName[f.Name] = f
	}
	want := map[string]field{
		"ExternalId":        {Name: "ExternalId", Type: "string", Length: 255, Createable: true, ReferenceTo: []string{}},
		"DeveloperName":     {Name: "DeveloperName", Type: "string", Length: 80, Createable: true, ReferenceTo: []string{}},
		"MasterLabel":       {Name: "MasterLabel", Type: "string", Length: 80, Createable: true, ReferenceTo: []string{}},
		"QuickConnect":      {Name: "QuickConnect", Type: "string", Length: 255, Nillable: true, Createable: true, ReferenceTo: []string{}},
		"CallCenterId":      {Name: "CallCenterId", Type: "reference", Length: 18, Createable: true, ReferenceTo: []string{"CallCenter"}},
		"ReferenceRecordId": {Name: "ReferenceRecordId", Type: "reference", Length: 18, Createable: true, ReferenceTo: []string{"Group", "User"}, PolymorphicForeignKey: true},
	}
	for name, w := range want {
		if diff := cmp.Diff(w, byName[name]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	// QuickConnect exists from API 56.0; describe follows the URL's version.
	e.do("GET", "/services/data/v55.0/sobjects/CallCenterRoutingMap/describe", admin, nil).JSON(t, &d)
	for _, f := range d.Fields {
		if f.Name == "QuickConnect" {
			t.Error("QuickConnect described at v55.0")
		}
	}
	// Describe reports the viewer's rights.
	e.do("GET", v62+"/sobjects/CallCenterRoutingMap/describe", viewer, nil).JSON(t, &d)
	if d.Createable {
		t.Error("viewer sees createable")
	}
	var global struct{ Sobjects []struct{ Name string } }
	e.do("GET", v62+"/sobjects/", admin, nil).JSON(t, &global)
	var names []string
	for _, s := range global.Sobjects {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"CallCenter", "CallCenterRoutingMap", "Group", "Organization", "User"}, names); diff != "" {
		t.Error(diff)
	}
	for _, obj := range []string{"User", "CallCenter", "Group"} {
		if r := e.do("GET", v62+"/sobjects/"+obj+"/describe", admin, nil); r.Status != 200 {
			t.Errorf("%s: %d", obj, r.Status)
		}
	}
	if r := e.do("GET", v62+"/sobjects/Account/describe", admin, nil); r.Status != 404 {
		t.Errorf("Account: %d", r.Status)
	}
}

func TestRoutingMapCRUD(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 3)
	token := e.login(o, o.Admin)
	rep := o.Reps[0]

	// The article's endpoint: v50.0 with a trailing slash. QuickConnect
	// only exists from v56.0, so the article's own endpoint cannot set it.
	body := mapFor(o, rep, agentID(1))
	delete(body, "QuickConnect")
	r := e.do("POST", "/services/data/v50.0/sobjects/CallCenterRoutingMap/", token, body)
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var created map[string]any
	r.JSON(t, &created)
	id := created["id"].(string)
	if created["success"] != true || len(created["errors"].([]any)) != 0 || !strings.HasPrefix(id, "0Rm") {
		t.Fatalf("%v", created)
	}
	if loc := r.Header.Get("Location"); loc != "/services/data/v50.0/sobjects/CallCenterRoutingMap/"+id {
		t.Errorf("Location %q", loc)
	}

	var got map[string]any
	r = e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+id, token, nil)
	r.JSON(t, &got)
	if got["DeveloperName"] != routemap.DeveloperNameFor(rep.ID, o.Center.ID) || got["Language"] != "en_US" ||
		got["CreatedById"] != string(o.Admin.ID) || got["IsDeleted"] != false || got["CreatedDate"] != "2026-11-25T12:00:00.000+0000" {
		t.Fatalf("%v", got)
	}
	attrs := got["attributes"].(map[string]any)
	if attrs["type"] != "CallCenterRoutingMap" || attrs["url"] != v62+"/sobjects/CallCenterRoutingMap/"+id {
		t.Errorf("attributes %v", attrs)
	}
	if !strings.HasPrefix(string(r.Body), `{"attributes":`) {
		t.Errorf("attributes not first: %.60s", r.Body)
	}

	r = e.do("PATCH", v62+"/sobjects/CallCenterRoutingMap/"+id, token, map[string]any{"QuickConnect": "6c5d4e3f-2a1b-4c0d-9e8f-1a2b3c4d5e6f"})
	if r.Status != 204 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	r = e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+id+"?fields=ExternalId,quickconnect", token, nil)
	got = nil
	r.JSON(t, &got)
	if len(got) != 3 || got["QuickConnect"] != "6c5d4e3f-2a1b-4c0d-9e8f-1a2b3c4d5e6f" {
		t.Fatalf("fields: %v", got)
	}
	if r := e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+id+"?fields=Nope", token, nil); r.Status != 400 || r.errorCode(t) != "INVALID_FIELD" {
		t.Errorf("bad field: %d %s", r.Status, r.Body)
	}

	// Update: 15-character ids are stored as 18; QuickConnect null clears it.
	r = e.do("PATCH", v62+"/sobjects/CallCenterRoutingMap/"+id, token, map[string]any{"MasterLabel": rep.ID.Short(), "QuickConnect": nil})
	if r.Status != 204 || len(r.Body) != 0 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	got = nil
	e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+id, token, nil).JSON(t, &got)
	if got["MasterLabel"] != rep.ID.Short() || got["QuickConnect"] != nil {
		t.Fatalf("after patch: %v", got)
	}

	if r := e.do("DELETE", v62+"/sobjects/CallCenterRoutingMap/"+id, token, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r := e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+id, token, nil); r.Status != 404 || r.errorCode(t) != "ENTITY_IS_DELETED" {
		t.Fatalf("get deleted: %d %s", r.Status, r.Body)
	}
	if r := e.do("DELETE", v62+"/sobjects/CallCenterRoutingMap/"+id, token, nil); r.Status != 404 || r.errorCode(t) != "ENTITY_IS_DELETED" {
		t.Fatalf("delete twice: %d %s", r.Status, r.Body)
	}
	// A deleted map frees its DeveloperName and user.
	e.create(token, mapFor(o, rep, agentID(1)))
}

func TestRoutingMapWriteRules(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 4)
	token := e.login(o, o.Admin)
	existing := e.create(token, mapFor(o, o.Reps[0], agentID(1)))
	other := e.seed("Globex", 1)

	type fault struct {
		Status int
		Code   string
		Fields []string
	}
	tests := []struct {
		name string
		body any
		want fault
	}{
		{"ErrRequiredAllNamedAtOnce", map[string]any{"ExternalId": "x"},
			fault{400, "REQUIRED_FIELD_MISSING", []string{"ReferenceRecordId", "CallCenterId", "DeveloperName", "MasterLabel"}}},
		{"ErrDuplicateDeveloperName", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(2))
			b["DeveloperName"] = strings.ToLower(routemap.DeveloperNameFor(o.Reps[0].ID, o.Center.ID))
			return b
		}(), fault{400, "DUPLICATE_VALUE", []string{"DeveloperName"}}},
		{"ErrSameUserTwice", func() map[string]any {
			b := mapFor(o, o.Reps[0], agentID(3))
			b["DeveloperName"] = "Another_Name"
			return b
		}(), fault{400, "DUPLICATE_VALUE", []string{"ReferenceRecordId", "CallCenterId"}}},
		{"ErrSameAgentTwice", mapFor(o, o.Reps[1], agentID(1)), fault{400, "DUPLICATE_VALUE", []string{"ExternalId", "CallCenterId"}}},
		{"ErrNotAMember", mapFor(o, o.Outsider, agentID(4)), fault{400, "FIELD_INTEGRITY_EXCEPTION", []string{"ReferenceRecordId", "CallCenterId"}}},
		{"ErrUserOfAnotherOrg", mapFor(o, other.Reps[0], agentID(5)), fault{400, "INVALID_CROSS_REFERENCE_KEY", []string{"ReferenceRecordId"}}},
		{"ErrCenterOfAnotherOrg", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(6))
			b["CallCenterId"] = string(other.Center.ID)
			b["DeveloperName"] = routemap.DeveloperNameFor(o.Reps[1].ID, other.Center.ID)
			return b
		}(), fault{400, "INVALID_CROSS_REFERENCE_KEY", []string{"CallCenterId"}}},
		{"ErrAgentOfAnotherInstance", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(7))
			b["ExternalId"] = "arn:aws:connect:us-east-1:111122223333:instance/11111111-1a2b-4c3d-8e9f-0a1b2c3d4e5f/agent/" + agentID(7)
			return b
		}(), fault{400, "FIELD_INTEGRITY_EXCEPTION", []string{"ExternalId"}}},
		{"ErrUsernameForAmazonConnect", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(8))
			b["ExternalId"] = "rep@005@00D"
			return b
		}(), fault{400, "FIELD_INTEGRITY_EXCEPTION", []string{"ExternalId"}}},
		{"ErrUpperCasedID", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(9))
			b["ReferenceRecordId"] = strings.ToUpper(string(o.Reps[1].ID))
			return b
		}(), fault{400, "MALFORMED_ID", []string{"ReferenceRecordId"}}},
		{"ErrContactIDAsUser", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(9))
			b["ReferenceRecordId"] = "003Hs00000ABcDeIAL"
			return b
		}(), fault{400, "FIELD_INTEGRITY_EXCEPTION", []string{"ReferenceRecordId"}}},
		{"ErrDeveloperNameSyntax", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(9))
			b["DeveloperName"] = "1_bad__name_"
			return b
		}(), fault{400, "FIELD_INTEGRITY_EXCEPTION", []string{"DeveloperName"}}},
		{"ErrTooLong", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(9))
			b["MasterLabel"] = strings.Repeat("x", 81)
			return b
		}(), fault{400, "STRING_TOO_LONG", []string{"MasterLabel"}}},
		{"ErrLanguage", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(9))
			b["Language"] = "Klingon"
			return b
		}(), fault{400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", []string{"Language"}}},
		{"ErrIdInBody", func() map[string]any {
			b := mapFor(o, o.Reps[1], agentID(9))
			b["Id"] = string(existing)
			return b
		}(), fault{400, "INVALID_FIELD", nil}},
		{"ErrUnknownField", map[string]any{"Nope": "x"}, fault{400, "INVALID_FIELD", []string{"Nope"}}},
		{"ErrReadOnlyField", map[string]any{"CreatedDate": "2020-01-01T00:00:00.000+0000"}, fault{400, "INVALID_FIELD_FOR_INSERT_UPDATE", []string{"CreatedDate"}}},
		{"ErrWrongType", `{"ExternalId": 42}`, fault{400, "JSON_PARSER_ERROR", nil}},
		{"ErrMalformedJSON", `{"ExternalId": "x",`, fault{400, "JSON_PARSER_ERROR", nil}},
		{"ErrNestedObject", `{"ExternalId": {"a": 1}}`, fault{400, "JSON_PARSER_ERROR", nil}},
		{"ErrArrayBody", `[1,2]`, fault{400, "JSON_PARSER_ERROR", nil}},
		{"ErrEmptyBody", ``, fault{400, "JSON_PARSER_ERROR", nil}},
		{"ErrTrailingGarbage", `{} {}`, fault{400, "JSON_PARSER_ERROR", nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("POST", v62+"/sobjects/CallCenterRoutingMap", token, tt.body)
			var list []struct {
				ErrorCode string
				Message   string
				Fields    []string
			}
			r.JSON(t, &list)
			got := fault{Status: r.Status}
			if len(list) > 0 {
				got.Code, got.Fields = list[0].ErrorCode, list[0].Fields
				if list[0].Message == "" {
					t.Error("empty message")
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\n%s", diff, r.Body)
			}
		})
	}
	// Nothing was half-written: the org holds only the first map.
	var q struct{ TotalSize int }
	e.do("GET", v62+"/query?q=SELECT+Id+FROM+CallCenterRoutingMap", token, nil).JSON(t, &q)
	if q.TotalSize != 1 {
		t.Fatalf("%d maps stored, want 1", q.TotalSize)
	}
	t.Run("ErrQuickConnectBeforeV56", func(t *testing.T) {
		r := e.do("POST", "/services/data/v55.0/sobjects/CallCenterRoutingMap", token, mapFor(o, o.Reps[2], agentID(20)))
		if r.Status != 400 || r.errorCode(t) != "INVALID_FIELD" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("ErrBodyTooLarge", func(t *testing.T) {
		r := e.do("POST", v62+"/sobjects/CallCenterRoutingMap", token, `{"ExternalId":"`+strings.Repeat("x", 11<<20)+`"}`)
		if r.Status != 413 {
			t.Fatalf("%d %.200s", r.Status, r.Body)
		}
	})
	t.Run("OK15CharIDsStoredAs18", func(t *testing.T) {
		b := mapFor(o, o.Reps[3], agentID(30))
		b["ReferenceRecordId"], b["CallCenterId"] = o.Reps[3].ID.Short(), o.Center.ID.Short()
		id := e.create(token, b)
		var got map[string]any
		e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+string(id), token, nil).JSON(t, &got)
		if got["ReferenceRecordId"] != string(o.Reps[3].ID) || got["CallCenterId"] != string(o.Center.ID) {
			t.Fatalf("%v", got)
		}
	})
}

func TestPermissions(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 2)
	admin, viewer := e.login(o, o.Admin), e.login(o, o.Viewer)
	id := e.create(admin, mapFor(o, o.Reps[0], agentID(1)))
	rep := e.login(o, o.Reps[1]) // API access, no object permissions

	for _, tc := range []struct {
		name, method, path, token string
		body                      any
	}{
		{"ViewerCreate", "POST", "/sobjects/CallCenterRoutingMap", viewer, mapFor(o, o.Reps[1], agentID(2))},
		{"ViewerUpdate", "PATCH", "/sobjects/CallCenterRoutingMap/" + string(id), viewer, map[string]any{"MasterLabel": "x"}},
		{"ViewerDelete", "DELETE", "/sobjects/CallCenterRoutingMap/" + string(id), viewer, nil},
		{"ViewerAddsUserToCenter", "PATCH", "/sobjects/User/" + string(o.Outsider.ID), viewer, map[string]any{"CallCenterId": string(o.Center.ID)}},
		{"RepReads", "GET", "/sobjects/CallCenterRoutingMap/" + string(id), rep, nil},
	} {
		t.Run("Err"+tc.name, func(t *testing.T) {
			r := e.do(tc.method, v62+tc.path, tc.token, tc.body)
			if r.Status != 400 || r.errorCode(t) != "INSUFFICIENT_ACCESS_OR_READONLY" {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		})
	}
	t.Run("OKViewerReads", func(t *testing.T) {
		if r := e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+string(id), viewer, nil); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("OKAdminAddsUserToCenterThenMapsThem", func(t *testing.T) {
		if r := e.do("POST", v62+"/sobjects/CallCenterRoutingMap", admin, mapFor(o, o.Outsider, agentID(3))); r.Status != 400 {
			t.Fatalf("non-member mapped: %d", r.Status)
		}
		r := e.do("PATCH", v62+"/sobjects/User/"+string(o.Outsider.ID), admin, map[string]any{"CallCenterId": string(o.Center.ID)})
		if r.Status != 204 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		e.create(admin, mapFor(o, o.Outsider, agentID(3)))
		var u map[string]any
		e.do("GET", v62+"/sobjects/User/"+string(o.Outsider.ID)+"?fields=CallCenterId,Name", admin, nil).JSON(t, &u)
		if u["CallCenterId"] != string(o.Center.ID) || u["Name"] != "Test outsider" {
			t.Fatalf("%v", u)
		}
	})
	t.Run("ErrBadCenterOnUser", func(t *testing.T) {
		r := e.do("PATCH", v62+"/sobjects/User/"+string(o.Outsider.ID), admin, map[string]any{"CallCenterId": "005Hs00000ABcDe"})
		if r.Status != 400 || r.errorCode(t) != "MALFORMED_ID" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	e := newEnv(t)
	acme, globex := e.seed("Acme", 1), e.seed("Globex", 1)
	a, g := e.login(acme, acme.Admin), e.login(globex, globex.Admin)
	id := e.create(a, mapFor(acme, acme.Reps[0], agentID(1)))
	for _, tc := range []struct{ method, path string }{
		{"GET", "/sobjects/CallCenterRoutingMap/" + string(id)},
		{"PATCH", "/sobjects/CallCenterRoutingMap/" + string(id)},
		{"DELETE", "/sobjects/CallCenterRoutingMap/" + string(id)},
		{"GET", "/sobjects/User/" + string(acme.Admin.ID)},
		{"PATCH", "/sobjects/User/" + string(acme.Reps[0].ID)},
		{"GET", "/sobjects/CallCenter/" + string(acme.Center.ID)},
		{"GET", "/sobjects/Organization/" + string(acme.ID)},
	} {
		var body any
		if tc.method == "PATCH" {
			body = map[string]any{"Alias": "x"}
			if strings.Contains(tc.path, "RoutingMap") {
				body = map[string]any{"MasterLabel": "x"}
			}
		}
		if r := e.do(tc.method, v62+tc.path, g, body); r.Status != 404 || r.errorCode(t) != "NOT_FOUND" {
			t.Errorf("%s %s from another org: %d %s", tc.method, tc.path, r.Status, r.Body)
		}
	}
	var q struct{ TotalSize int }
	for _, soql := range []string{"SELECT+Id+FROM+CallCenterRoutingMap", "SELECT+Id+FROM+User+WHERE+Id='" + string(acme.Admin.ID) + "'", "SELECT+Id+FROM+CallCenter", "SELECT+Id+FROM+Organization"} {
		e.do("GET", v62+"/queryAll?q="+soql, g, nil).JSON(t, &q)
		want := 0
		if strings.Contains(soql, "CallCenter") && !strings.Contains(soql, "RoutingMap") || strings.Contains(soql, "Organization") {
			want = 1 // its own
		}
		if q.TotalSize != want {
			t.Errorf("%s: %d records from another org's view", soql, q.TotalSize)
		}
	}
	var records []any
	e.do("GET", v62+"/composite/sobjects/CallCenterRoutingMap?ids="+string(id)+"&fields=Id", g, nil).JSON(t, &records)
	if len(records) != 1 || records[0] != nil {
		t.Errorf("collections retrieve from another org: %v", records)
	}
	// The owner still sees it, untouched.
	var got map[string]any
	e.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+string(id), a, nil).JSON(t, &got)
	if got["Id"] != string(id) {
		t.Fatalf("%v", got)
	}
}
