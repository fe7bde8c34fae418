package salesforce_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/salesforce"
	"routemap/sfid"
)

func queryPath(soql string) string { return v + "/query?" + url.Values{"q": {soql}}.Encode() }

func TestRoutingMaps(t *testing.T) {
	const center = sfid.ID("04vHs000000XyZaIAK")
	rec := map[string]any{
		"attributes": map[string]any{"type": "CallCenterRoutingMap"}, "Id": "0RmHs0000000AbCKAU", "DeveloperName": "User_005Hs00000ABcDeIAL_04vHs000000XyZaIAK",
		"MasterLabel": "005Hs00000ABcDeIAL", "ExternalId": "jdoe", "ReferenceRecordId": "005Hs00000ABcDeIAL", "CallCenterId": "04vHs000000XyZaIAK",
		"QuickConnect": nil, "Language": "en_US",
	}
	want := routemap.RoutingMap{ID: "0RmHs0000000AbCKAU", DeveloperName: "User_005Hs00000ABcDeIAL_04vHs000000XyZaIAK", MasterLabel: "005Hs00000ABcDeIAL",
		ExternalID: "jdoe", ReferenceRecordID: "005Hs00000ABcDeIAL", CallCenterID: "04vHs000000XyZaIAK", Language: "en_US"}
	t.Run("OKOneCenter", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", queryPath("SELECT Id, DeveloperName, MasterLabel, ExternalId, ReferenceRecordId, CallCenterId, QuickConnect, Language FROM CallCenterRoutingMap WHERE CallCenterId = '04vHs000000XyZaIAK'"),
			jsonAnswer(200, map[string]any{"totalSize": 1, "done": true, "records": []any{rec}}))
		c, _ := newClient(t, reg)
		var got []routemap.RoutingMap
		if err := c.RoutingMaps(context.Background(), center, func(m routemap.RoutingMap) error { got = append(got, m); return nil }); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]routemap.RoutingMap{want}, got); diff != "" {
			t.Errorf("maps (-want +got):\n%s", diff)
		}
	})
	t.Run("OKAllCentersOldVersion", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", "/services/data/v55.0/query?"+url.Values{"q": {"SELECT Id, DeveloperName, MasterLabel, ExternalId, ReferenceRecordId, CallCenterId, Language FROM CallCenterRoutingMap"}}.Encode(),
			jsonAnswer(200, map[string]any{"totalSize": 0, "done": true, "records": []any{}}))
		c, _ := newClient(t, reg, func(o *salesforce.Options) { o.APIVersion = "55.0" })
		if err := c.RoutingMaps(context.Background(), "", func(routemap.RoutingMap) error { return nil }); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrMalformedID", func(t *testing.T) {
		reg := newRegistry(t)
		bad := map[string]any{"Id": "0RmHs0000000AbCKAU", "ReferenceRecordId": "junk"}
		reg.Register("GET", v+"/query", jsonAnswer(200, map[string]any{"totalSize": 1, "done": true, "records": []any{bad}}))
		c, _ := newClient(t, reg)
		err := c.RoutingMaps(context.Background(), "", func(routemap.RoutingMap) error { return nil })
		if routemap.ErrorCode(err) != routemap.EINTERNAL {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestMembers(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", queryPath("SELECT Id, Username, Alias, Email, FirstName, LastName, IsActive, CallCenterId FROM User WHERE CallCenterId != null"),
		jsonAnswer(200, map[string]any{"totalSize": 1, "done": true, "records": []any{map[string]any{
			"Id": "005Hs00000ABcDeIAL", "Username": "jdoe@acme.test", "Alias": "jdoe", "Email": "jdoe@example.com", "FirstName": nil,
			"LastName": "Doe", "IsActive": true, "CallCenterId": "04vHs000000XyZaIAK"}}}))
	c, _ := newClient(t, reg)
	var got []routemap.User
	if err := c.Members(context.Background(), "", func(u routemap.User) error { got = append(got, u); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []routemap.User{{ID: "005Hs00000ABcDeIAL", Username: "jdoe@acme.test", Alias: "jdoe", Email: "jdoe@example.com", LastName: "Doe", IsActive: true, CallCenterID: "04vHs000000XyZaIAK"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

func TestCallCenter(t *testing.T) {
	const id = sfid.ID("04vHs000000XyZaIAK")
	extended := queryPath("SELECT Id, Name, InternalName, routemap__Provider__c, routemap__ConnectInstanceArn__c, routemap__UsernameTemplate__c FROM CallCenter WHERE Id = '04vHs000000XyZaIAK'")
	standard := queryPath("SELECT Id, Name, InternalName FROM CallCenter WHERE Id = '04vHs000000XyZaIAK'")
	t.Run("OKRealOrg", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", extended, sfErrors(400, "INVALID_FIELD", "No such column 'routemap__Provider__c' on entity 'CallCenter'."))
		reg.Register("GET", standard, jsonAnswer(200, map[string]any{"totalSize": 1, "done": true, "records": []any{
			map[string]any{"Id": "04vHs000000XyZaIAK", "Name": "Acme Voice", "InternalName": "AcmeVoice"}}}))
		c, _ := newClient(t, reg)
		got, err := c.CallCenter(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&routemap.CallCenter{ID: id, Name: "Acme Voice", InternalName: "AcmeVoice"}, got); diff != "" {
			t.Errorf("call center (-want +got):\n%s", diff)
		}
	})
	t.Run("OKRoutemapServe", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", extended, jsonAnswer(200, map[string]any{"totalSize": 1, "done": true, "records": []any{
			map[string]any{"Id": "04vHs000000XyZaIAK", "Name": "Acme Voice", "InternalName": "AcmeVoice", "routemap__Provider__c": "amazon-connect",
				"routemap__ConnectInstanceArn__c": "arn:aws:connect:us-west-2:111122223333:instance/x", "routemap__UsernameTemplate__c": nil}}}))
		c, _ := newClient(t, reg)
		got, err := c.CallCenter(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Provider != routemap.ProviderAmazonConnect || got.ConnectInstanceARN == "" {
			t.Errorf("call center = %+v", got)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", extended, jsonAnswer(200, map[string]any{"totalSize": 0, "done": true, "records": []any{}}))
		c, _ := newClient(t, reg)
		if _, err := c.CallCenter(context.Background(), id); routemap.ErrorCode(err) != routemap.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRoutingMapFields(t *testing.T) {
	m := &routemap.RoutingMap{ExternalID: "jdoe", ReferenceRecordID: "005Hs00000ABcDeIAL", CallCenterID: "04vHs000000XyZaIAK",
		DeveloperName: "User_005Hs00000ABcDeIAL_04vHs000000XyZaIAK", MasterLabel: "005Hs00000ABcDeIAL"}
	want := map[string]any{"ExternalId": "jdoe", "ReferenceRecordId": "005Hs00000ABcDeIAL", "CallCenterId": "04vHs000000XyZaIAK",
		"DeveloperName": "User_005Hs00000ABcDeIAL_04vHs000000XyZaIAK", "MasterLabel": "005Hs00000ABcDeIAL"}
	if diff := cmp.Diff(want, salesforce.RoutingMapFields(m)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestRoutingMapsNamed(t *testing.T) {
	const center = sfid.ID("04vHs000000XyZaIAK")
	// 250 names, one with a quote: three queries of 100, 100 and 50 names,
	// each answered with the maps it asks for.
	var names []string
	for i := range 250 {
		names = append(names, fmt.Sprintf("User_%03d", i))
	}
	names[7] = "O'Brien"
	reg := newRegistry(t)
	var sizes []int
	reg.Register("GET", v+"/query", func(req *http.Request, _ []byte) (*http.Response, error) {
		q := req.URL.Query().Get("q")
		const prefix = "SELECT Id, DeveloperName, MasterLabel, ExternalId, ReferenceRecordId, CallCenterId, QuickConnect, Language FROM CallCenterRoutingMap WHERE CallCenterId = '04vHs000000XyZaIAK' AND DeveloperName IN ("
		if !strings.HasPrefix(q, prefix) || !strings.HasSuffix(q, ")") {
			t.Errorf("query %q", q)
		}
		if n := len(req.URL.RawQuery); n > 16384 {
			t.Errorf("query string of %d bytes", n)
		}
		var recs []any
		for _, lit := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(q, prefix), ")"), ", ") {
			name := strings.ReplaceAll(strings.Trim(lit, "'"), `\'`, "'")
			recs = append(recs, map[string]any{"attributes": map[string]any{"type": "CallCenterRoutingMap"}, "Id": "0RmHs0000000AbCKAU",
				"DeveloperName": name, "CallCenterId": string(center)})
		}
		sizes = append(sizes, len(recs))
		return jsonAnswer(200, map[string]any{"totalSize": len(recs), "done": true, "records": recs})(req, nil)
	}).Times(-1)
	c, _ := newClient(t, reg)
	var got []string
	err := c.RoutingMapsNamed(context.Background(), center, names, func(m routemap.RoutingMap) error {
		got = append(got, m.DeveloperName)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{100, 100, 50}, sizes); diff != "" {
		t.Errorf("names a query (-want +got):\n%s", diff)
	}
}

func TestCountRoutingMaps(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", queryPath("SELECT COUNT() FROM CallCenterRoutingMap WHERE CallCenterId = '04vHs000000XyZaIAK'"),
			jsonAnswer(200, map[string]any{"totalSize": 4213, "done": true, "records": []any{}}))
		c, _ := newClient(t, reg)
		n, err := c.CountRoutingMaps(context.Background(), "04vHs000000XyZaIAK")
		if err != nil || n != 4213 {
			t.Fatalf("count = %d, %v; want 4213", n, err)
		}
	})
	t.Run("ErrNoCount", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", v+"/query", jsonAnswer(200, map[string]any{"done": true, "records": []any{}}))
		c, _ := newClient(t, reg)
		if _, err := c.CountRoutingMaps(context.Background(), ""); routemap.ErrorCode(err) != routemap.EINTERNAL {
			t.Fatalf("err = %v; want EINTERNAL", err)
		}
	})
}
