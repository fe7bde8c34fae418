package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
)

// relEnv is an org with a map per rep (created over HTTP), a map to a
// queue and a map written with no actor (both through the store), plus a
// second org with its own maps.
type relEnv struct {
	*env
	o, other          *org
	token, otherToken string
	maps              []string // one per rep of o, in rep order
	queue             *routemap.Group
	queueMap          sfid.ID
	anonymous         sfid.ID // created with no actor: CreatedBy is missing
}

func newRelEnv(t *testing.T, reps int) *relEnv {
	t.Helper()
	e := newEnv(t)
	r := &relEnv{env: e, o: e.seed("Acme", reps), other: e.seed("Globex", 2)}
	r.token, r.otherToken = e.login(r.o, r.o.Admin), e.login(r.other, r.other.Admin)
	r.maps = e.seedMaps(r.token, r.o)
	e.seedMaps(r.otherToken, r.other)
	ctx := context.Background()
	r.queue = &routemap.Group{OrgID: r.o.ID, Name: "Support", DeveloperName: "Support", Type: "Queue"}
	if err := e.store.CreateGroup(ctx, r.queue); err != nil {
		t.Fatal(err)
	}
	apply := func(actor sfid.ID, m routemap.RoutingMap) sfid.ID {
		t.Helper()
		res, err := e.store.ApplyRoutingMaps(ctx, r.o.ID, actor, []routemap.RoutingMapOp{{Kind: routemap.OpCreate, Map: m}}, true)
		if err != nil || res[0].Err != nil {
			t.Fatalf("ApplyRoutingMaps: %v, %v", err, res[0].Err)
		}
		return res[0].ID
	}
	r.queueMap = apply(r.o.Admin.ID, routemap.RoutingMap{ExternalID: r.o.Center.ConnectInstanceARN + "/queue/5c4b3a29-1807-4f6e-9d5c-4b3a29180700",
		ReferenceRecordID: r.queue.ID, CallCenterID: r.o.Center.ID, DeveloperName: "Support_" + string(r.o.Center.ID), MasterLabel: "Support"})
	r.anonymous = apply("", r.memberMap(t, "extra", 9999))
	return r
}

// memberMap creates a new member of o's contact center and returns a map
// for it (every rep already has one, and a user gets one map per center).
func (r *relEnv) memberMap(t *testing.T, login string, agent int) routemap.RoutingMap {
	t.Helper()
	u := &routemap.User{OrgID: r.o.ID, Username: login + "@acme.test", Alias: login, Email: login + "@example.com", LastName: "Zed " + login,
		IsActive: true, CallCenterID: r.o.Center.ID}
	if err := r.store.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return routemap.RoutingMap{ExternalID: r.o.Center.ConnectInstanceARN + "/agent/" + agentID(agent), ReferenceRecordID: u.ID,
		CallCenterID: r.o.Center.ID, DeveloperName: routemap.DeveloperNameFor(u.ID, r.o.Center.ID), MasterLabel: string(u.ID)}
}

// rawRecords runs soql and returns each record's JSON as sent.
func (r *relEnv) rawRecords(t *testing.T, token, soql string) []string {
	t.Helper()
	resp := r.do("GET", query(soql), token, nil)
	if resp.Status != 200 {
		t.Fatalf("%s: %d %s", soql, resp.Status, resp.Body)
	}
	var page struct {
		Records []json.RawMessage
	}
	resp.JSON(t, &page)
	out := make([]string, len(page.Records))
	for i, rec := range page.Records {
		out[i] = string(rec)
	}
	return out
}

func TestQueryRelationships(t *testing.T) {
	r := newRelEnv(t, 3)
	o := r.o
	rep := o.Reps[0]
	attrs := func(typ, id string) string {
		return fmt.Sprintf(`{"type":%q,"url":%q}`, typ, v62+"/sobjects/"+typ+"/"+id)
	}

	t.Run("OKNestedUserAndCallCenter", func(t *testing.T) {
		// Relationship names in any case; records use canonical names, and
		// the fields of one relationship share one object, in select order.
		got := r.rawRecords(t, r.token, "SELECT Id, referencerecord.NAME, CallCenter.Name, DeveloperName, ReferenceRecord.Alias, "+
			"ReferenceRecord.Type, ReferenceRecord.IsActive, ReferenceRecord.Id FROM CallCenterRoutingMap WHERE Id = '"+r.maps[0]+"'")
		want := fmt.Sprintf(`{"attributes":%s,"Id":%q,`+
			`"ReferenceRecord":{"attributes":%s,"Name":%q,"Alias":%q,"Type":"User","IsActive":true,"Id":%q},`+
			`"CallCenter":{"attributes":%s,"Name":%q},"DeveloperName":%q}`,
			attrs("CallCenterRoutingMap", r.maps[0]), r.maps[0],
			attrs("User", string(rep.ID)), rep.Name(), rep.Alias, rep.ID,
			attrs("CallCenter", string(o.Center.ID)), o.Center.Name, routemap.DeveloperNameFor(rep.ID, o.Center.ID))
		if diff := cmp.Diff([]string{want}, got); diff != "" {
			t.Errorf("records mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKQueueParentIsGroup", func(t *testing.T) {
		got := r.rawRecords(t, r.token, "SELECT ReferenceRecord.Name, ReferenceRecord.Alias, ReferenceRecord.Type, ReferenceRecordId "+
			"FROM CallCenterRoutingMap WHERE Id = '"+string(r.queueMap)+"'")
		want := fmt.Sprintf(`{"attributes":%s,"ReferenceRecord":{"attributes":%s,"Name":"Support","Alias":null,"Type":"Queue"},"ReferenceRecordId":%q}`,
			attrs("CallCenterRoutingMap", string(r.queueMap)), attrs("Group", string(r.queue.ID)), r.queue.ID)
		if diff := cmp.Diff([]string{want}, got); diff != "" {
			t.Errorf("records mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKMissingParentIsNull", func(t *testing.T) {
		got := r.rawRecords(t, r.token, "SELECT Id, CreatedBy.Name, LastModifiedBy.Alias, CreatedById, CreatedBy.Username "+
			"FROM CallCenterRoutingMap WHERE Id IN ('"+string(r.anonymous)+"', '"+r.maps[0]+"') ORDER BY CreatedBy.Name NULLS FIRST")
		admin := attrs("User", string(o.Admin.ID))
		want := []string{
			fmt.Sprintf(`{"attributes":%s,"Id":%q,"CreatedBy":null,"LastModifiedBy":null,"CreatedById":null}`,
				attrs("CallCenterRoutingMap", string(r.anonymous)), r.anonymous),
			fmt.Sprintf(`{"attributes":%s,"Id":%q,"CreatedBy":{"attributes":%s,"Name":%q,"Username":%q},`+
				`"LastModifiedBy":{"attributes":%s,"Alias":%q},"CreatedById":%q}`,
				attrs("CallCenterRoutingMap", r.maps[0]), r.maps[0], admin, o.Admin.Name(), o.Admin.Username, admin, o.Admin.Alias, o.Admin.ID),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("records mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKUserCallCenter", func(t *testing.T) {
		got := r.rawRecords(t, r.token, "SELECT Username, CallCenter.InternalName FROM User WHERE Id IN ('"+
			string(o.Admin.ID)+"', '"+string(rep.ID)+"') ORDER BY CallCenter.InternalName NULLS LAST")
		want := []string{
			fmt.Sprintf(`{"attributes":%s,"Username":%q,"CallCenter":{"attributes":%s,"InternalName":%q}}`,
				attrs("User", string(rep.ID)), rep.Username, attrs("CallCenter", string(o.Center.ID)), o.Center.InternalName),
			fmt.Sprintf(`{"attributes":%s,"Username":%q,"CallCenter":null}`, attrs("User", string(o.Admin.ID)), o.Admin.Username),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("records mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKWhereAndOrderBy", func(t *testing.T) {
		mapOf := map[string]string{}
		for i, u := range o.Reps {
			mapOf[string(u.ID)] = r.maps[i]
		}
		for _, tc := range []struct {
			name, soql string
			want       []string
		}{
			{"OKOrderByParentDesc", "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.Type = 'user' AND ReferenceRecord.LastName LIKE 'rep%' " +
				"ORDER BY ReferenceRecord.Name DESC", []string{r.maps[2], r.maps[1], r.maps[0]}},
			{"OKQueueOnly", "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.Type IN ('Queue')", []string{string(r.queueMap)}},
			{"OKNullUserField", "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.Alias = null", []string{string(r.queueMap)}},
			{"OKParentID", "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.Id = '" + o.Reps[1].ID.Short() + "'", []string{r.maps[1]}},
			{"OKCallCenterName", "SELECT Id FROM CallCenterRoutingMap WHERE CallCenter.Name = 'ACME CONNECT' AND CreatedBy.Alias = 'admin' " +
				"ORDER BY ReferenceRecord.Name", []string{r.maps[0], r.maps[1], r.maps[2], string(r.queueMap)}},
			{"OKMissingCreatedBy", "SELECT Id FROM CallCenterRoutingMap WHERE CreatedBy.Id = null", []string{string(r.anonymous)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var p queryPage
				resp := r.do("GET", query(tc.soql), r.token, nil)
				resp.JSON(t, &p)
				var got []string
				for _, rec := range p.Records {
					got = append(got, rec["Id"].(string))
				}
				if resp.Status != 200 || p.TotalSize != len(tc.want) {
					t.Fatalf("%d, totalSize %d: %s", resp.Status, p.TotalSize, resp.Body)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("ids mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
	t.Run("OKColumnMetadata", func(t *testing.T) {
		type column struct {
			ColumnName  string
			DisplayName string
			ApexType    *string
			TextType    bool
			BooleanType bool
			JoinColumns []column
		}
		var meta struct {
			EntityName     string
			IDSelected     bool `json:"idSelected"`
			ColumnMetadata []column
		}
		resp := r.do("GET", query("SELECT Id, ReferenceRecord.Name, CallCenter.Name, referencerecord.isactive FROM CallCenterRoutingMap")+"&columns=true", r.token, nil)
		resp.JSON(t, &meta)
		s := func(x string) *string { return &x }
		want := []column{
			{ColumnName: "Id", DisplayName: "Id", ApexType: s("Id"), JoinColumns: []column{}},
			{ColumnName: "ReferenceRecord", DisplayName: "ReferenceRecord", JoinColumns: []column{
				{ColumnName: "Name", DisplayName: "ReferenceRecord.Name", ApexType: s("String"), TextType: true, JoinColumns: []column{}},
				{ColumnName: "IsActive", DisplayName: "ReferenceRecord.IsActive", ApexType: s("Boolean"), BooleanType: true, JoinColumns: []column{}},
			}},
			{ColumnName: "CallCenter", DisplayName: "CallCenter", JoinColumns: []column{
				{ColumnName: "Name", DisplayName: "CallCenter.Name", ApexType: s("String"), TextType: true, JoinColumns: []column{}},
			}},
		}
		if diff := cmp.Diff(want, meta.ColumnMetadata); diff != "" || meta.EntityName != routemap.ObjectRoutingMap || !meta.IDSelected {
			t.Errorf("%s: columnMetadata mismatch (-want +got):\n%s", resp.Body, diff)
		}
	})
	t.Run("OKSObjectRetrieveStaysFlat", func(t *testing.T) {
		var rec map[string]any
		r.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+r.maps[0], r.token, nil).JSON(t, &rec)
		if _, nested := rec["ReferenceRecord"]; nested || rec["ReferenceRecordId"] != string(rep.ID) {
			t.Errorf("retrieve: %v", rec)
		}
		resp := r.do("GET", v62+"/sobjects/CallCenterRoutingMap/"+r.maps[0]+"?fields=ReferenceRecord.Name", r.token, nil)
		if resp.Status != 400 || resp.errorCode(t) != "INVALID_FIELD" {
			t.Errorf("retrieve with a relationship field: %d %s", resp.Status, resp.Body)
		}
	})
	for _, tc := range []struct{ name, soql, msg string }{
		{"ErrUnknownRelationship", "SELECT Id, Owner.Name FROM CallCenterRoutingMap", "Didn't understand relationship 'Owner' in field path"},
		{"ErrUnknownUserField", "SELECT Id FROM CallCenterRoutingMap WHERE CreatedBy.Nickname = 'x'", "No such column 'Nickname' on entity 'User'"},
		{"ErrUnknownNameField", "SELECT Id FROM CallCenterRoutingMap ORDER BY ReferenceRecord.CallCenterId", "No such column 'CallCenterId' on entity 'Name'"},
		{"ErrWrongType", "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.IsActive = 'yes'", "must be of type boolean"},
		{"ErrTwoLevels", "SELECT CreatedBy.CallCenter.Name FROM CallCenterRoutingMap", "more than one level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := r.do("GET", query(tc.soql), r.token, nil)
			if resp.Status != 400 || resp.errorCode(t) != "INVALID_FIELD" || !strings.Contains(string(resp.Body), tc.msg) {
				t.Fatalf("%d %s", resp.Status, resp.Body)
			}
		})
	}
}

// TestQueryRelationshipsTenancy checks that relationship fields never show
// another org's parents, even for a map whose actor (recorded as
// CreatedById) belongs to another org.
func TestQueryRelationshipsTenancy(t *testing.T) {
	r := newRelEnv(t, 2)
	// Nothing in the Store contract stops a caller recording another org's
	// user as the actor; the join must still not reach that user.
	res, err := r.store.ApplyRoutingMaps(context.Background(), r.o.ID, r.other.Admin.ID,
		[]routemap.RoutingMapOp{{Kind: routemap.OpCreate, Map: r.memberMap(t, "late", 7777)}}, true)
	if err != nil || res[0].Err != nil {
		t.Fatalf("ApplyRoutingMaps: %v, %v", err, res[0].Err)
	}
	foreign := res[0].ID

	t.Run("OKForeignActorNotJoined", func(t *testing.T) {
		got := r.rawRecords(t, r.token, "SELECT Id, CreatedBy.Username FROM CallCenterRoutingMap WHERE Id = '"+string(foreign)+"'")
		want := fmt.Sprintf(`{"attributes":{"type":"CallCenterRoutingMap","url":%q},"Id":%q,"CreatedBy":null}`,
			v62+"/sobjects/CallCenterRoutingMap/"+string(foreign), foreign)
		if diff := cmp.Diff([]string{want}, got); diff != "" {
			t.Errorf("records mismatch (-want +got):\n%s", diff)
		}
	})
	for _, tc := range []struct {
		name, token, soql string
	}{
		{"OKForeignActorFilter", r.token, "SELECT Id FROM CallCenterRoutingMap WHERE CreatedBy.Username = '" + r.other.Admin.Username + "'"},
		{"OKForeignParentsInvisible", r.token, "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.Username LIKE '%globex%' " +
			"OR CallCenter.Name = 'Globex Connect'"},
		{"OKOtherOrgSeesNoneOfOurs", r.otherToken, "SELECT Id FROM CallCenterRoutingMap WHERE ReferenceRecord.Username LIKE '%acme%' " +
			"OR CallCenter.Name = 'Acme Connect' OR CreatedBy.Id = '" + string(r.o.Admin.ID) + "'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p queryPage
			resp := r.do("GET", query(tc.soql), tc.token, nil)
			resp.JSON(t, &p)
			if resp.Status != 200 || p.TotalSize != 0 {
				t.Fatalf("%d %s", resp.Status, resp.Body)
			}
		})
	}
	t.Run("OKEachOrgSeesOwnParents", func(t *testing.T) {
		for _, tc := range []struct {
			o     *org
			token string
		}{{r.o, r.token}, {r.other, r.otherToken}} {
			var p queryPage
			r.do("GET", query("SELECT Id, ReferenceRecord.Username, CallCenter.Name FROM CallCenterRoutingMap WHERE ReferenceRecord.Type = 'User'"),
				tc.token, nil).JSON(t, &p)
			if len(p.Records) == 0 {
				t.Fatalf("%s: no records", tc.o.ID)
			}
			suffix := "@" + strings.ToLower(strings.TrimSuffix(tc.o.Center.InternalName, "Connect")) + ".test"
			for _, rec := range p.Records {
				parent, _ := rec["ReferenceRecord"].(map[string]any)
				center, _ := rec["CallCenter"].(map[string]any)
				if parent == nil || !strings.HasSuffix(parent["Username"].(string), suffix) || center["Name"] != tc.o.Center.Name {
					t.Errorf("org %s record %v", tc.o.ID, rec)
				}
			}
		}
	})
}

// TestQueryRelationshipsPaging checks that nextRecordsUrl pages keep the
// nested layout.
func TestQueryRelationshipsPaging(t *testing.T) {
	r := newRelEnv(t, 210)
	hdr := http.Header{"Sforce-Query-Options": {"batchSize=200"}}
	var p queryPage
	r.doWith("GET", query("SELECT ReferenceRecord.Name, Id FROM CallCenterRoutingMap WHERE ReferenceRecord.Type = 'User' ORDER BY ReferenceRecord.Name"),
		r.token, hdr, nil).JSON(t, &p)
	var names []string
	for page := 1; ; page++ {
		for _, rec := range p.Records {
			parent, ok := rec["ReferenceRecord"].(map[string]any)
			if !ok || len(rec) != 3 {
				t.Fatalf("page %d: record %v", page, rec)
			}
			names = append(names, strings.ToLower(parent["Name"].(string)))
		}
		if p.Done {
			break
		}
		next := p.NextRecordsURL
		p = queryPage{}
		r.do("GET", next, r.token, nil).JSON(t, &p)
	}
	if len(names) != 211 { // 210 reps and the extra member
		t.Fatalf("%d records", len(names))
	}
	for i := 1; i < len(names); i++ {
		if names[i] < names[i-1] {
			t.Fatalf("order broken: %q after %q", names[i], names[i-1])
		}
	}
}

// TestQueryOrganization checks the query the Salesforce CLI sends at login
// (compat/CLIENTS.md §4.1) and the Organization record.
func TestQueryOrganization(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 1)
	e.seed("Globex", 1)
	token := e.login(o, o.Admin)
	url := v62 + "/sobjects/Organization/" + string(o.ID)

	t.Run("OKLoginQuery", func(t *testing.T) {
		resp := e.do("GET", query("SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization"), token, nil)
		var page struct {
			TotalSize int
			Done      bool
			Records   []json.RawMessage
		}
		resp.JSON(t, &page)
		want := fmt.Sprintf(`{"attributes":{"type":"Organization","url":%q},"Name":"Acme","InstanceName":%q,"IsSandbox":false,`+
			`"TrialExpirationDate":null,"NamespacePrefix":null,"OrganizationType":%q}`, url, routemap.OrgInstanceName, routemap.OrgType)
		if resp.Status != 200 || page.TotalSize != 1 || !page.Done || len(page.Records) != 1 {
			t.Fatalf("%d %s", resp.Status, resp.Body)
		}
		if diff := cmp.Diff(want, string(page.Records[0])); diff != "" {
			t.Errorf("record mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKColumns", func(t *testing.T) {
		var meta struct {
			ColumnMetadata []struct{ ColumnName, ApexType string }
		}
		e.do("GET", query("SELECT Name, IsSandbox, TrialExpirationDate FROM Organization")+"&columns=true", token, nil).JSON(t, &meta)
		want := []struct{ ColumnName, ApexType string }{{"Name", "String"}, {"IsSandbox", "Boolean"}, {"TrialExpirationDate", "Datetime"}}
		if diff := cmp.Diff(want, meta.ColumnMetadata); diff != "" {
			t.Errorf("columnMetadata mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKRetrieve", func(t *testing.T) {
		var rec map[string]any
		e.do("GET", url, token, nil).JSON(t, &rec)
		for k, want := range map[string]any{"Id": string(o.ID), "Name": "Acme", "InstanceName": routemap.OrgInstanceName, "IsSandbox": false,
			"TrialExpirationDate": nil, "NamespacePrefix": nil, "OrganizationType": routemap.OrgType} {
			if got, ok := rec[k]; !ok || got != want {
				t.Errorf("%s = %v, want %v", k, got, want)
			}
		}
	})
}
