package sqlite

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/sfid"
)

// TestQueryJoinsStayInOrg plants a routing map whose references all point
// into another org, which the store's write checks never let through, and
// checks that relationship fields still read as null: every join is
// scoped to the querying org, not only the write path.
func TestQueryJoinsStayInOrg(t *testing.T) {
	s, err := Open(":memory:", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := t.Context()
	orgs := make([]*routemap.Org, 2)
	users := make([]*routemap.User, 2)
	centers := make([]*routemap.CallCenter, 2)
	for i, name := range []string{"acme", "globex"} {
		orgs[i] = &routemap.Org{Name: name}
		if err := s.CreateOrg(ctx, orgs[i]); err != nil {
			t.Fatal(err)
		}
		centers[i] = &routemap.CallCenter{OrgID: orgs[i].ID, Name: name + " Voice", InternalName: name + "Voice"}
		if err := s.CreateCallCenter(ctx, centers[i]); err != nil {
			t.Fatal(err)
		}
		users[i] = &routemap.User{OrgID: orgs[i].ID, Username: name + ".ada@example.com", Alias: "ada", Email: "ada@example.com",
			FirstName: "Ada", LastName: name, IsActive: true, CallCenterID: centers[i].ID}
		if err := s.CreateUser(ctx, users[i]); err != nil {
			t.Fatal(err)
		}
	}
	planted, err := sfid.New(sfid.PrefixRoutingMap, "zz", 1)
	if err != nil {
		t.Fatal(err)
	}
	foreignUser, foreignCenter := string(users[1].ID), string(centers[1].ID)
	if _, err := s.wdb.ExecContext(ctx, `INSERT INTO routing_maps (id, org_id, developer_name, language, master_label,
		call_center_id, external_id, reference_record_id, created_date, created_by_id, last_modified_date, last_modified_by_id)
		VALUES (?, ?, 'Planted', 'en_US', 'Planted', ?, 'x', ?, 0, ?, 0, ?)`,
		string(planted), string(orgs[0].ID), foreignCenter, foreignUser, foreignUser, foreignUser); err != nil {
		t.Fatal(err)
	}

	query := func(t *testing.T, where routemap.Expr) *routemap.QueryResult {
		t.Helper()
		res, err := s.Query(ctx, orgs[0].ID, &routemap.Query{Object: routemap.ObjectRoutingMap,
			Fields: []string{"Id", "ReferenceRecordId", "ReferenceRecord.Id", "ReferenceRecord.Name", "ReferenceRecord.Type",
				"CallCenter.Name", "CreatedBy.Username", "LastModifiedBy.Id"},
			Where: where, Limit: -1}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	t.Run("OKParentsNull", func(t *testing.T) {
		want := &routemap.QueryResult{TotalSize: 1, Records: [][]any{{string(planted), foreignUser, nil, nil, nil, nil, nil, nil}}}
		if diff := cmp.Diff(want, query(t, nil)); diff != "" {
			t.Errorf("Query mismatch (-want +got):\n%s", diff)
		}
	})
	for name, where := range map[string]routemap.Expr{
		"OKWhereUserName":   &routemap.Comparison{Field: "ReferenceRecord.Name", Op: routemap.OpLike, Value: routemap.Literal{Kind: routemap.LitString, Str: "Ada%"}},
		"OKWhereUserType":   &routemap.Comparison{Field: "ReferenceRecord.Type", Op: routemap.OpEq, Value: routemap.Literal{Kind: routemap.LitString, Str: "User"}},
		"OKWhereCenterName": &routemap.Comparison{Field: "CallCenter.Name", Op: routemap.OpEq, Value: routemap.Literal{Kind: routemap.LitString, Str: "globex Voice"}},
		"OKWhereCreatedBy":  &routemap.Comparison{Field: "CreatedBy.Id", Op: routemap.OpEq, Value: routemap.Literal{Kind: routemap.LitString, Str: foreignUser}},
	} {
		t.Run(name, func(t *testing.T) {
			if res := query(t, where); res.TotalSize != 0 || len(res.Records) != 0 {
				t.Errorf("Query joined another org's parent: %+v", res)
			}
		})
	}
	t.Run("OKUserCallCenter", func(t *testing.T) {
		// Users reach their contact center through the same scoped join.
		if _, err := s.wdb.ExecContext(ctx, `UPDATE users SET call_center_id = ? WHERE id = ?`, foreignCenter, string(users[0].ID)); err != nil {
			t.Fatal(err)
		}
		res, err := s.Query(ctx, orgs[0].ID, &routemap.Query{Object: routemap.ObjectUser, Fields: []string{"Id", "CallCenter.Name"}, Limit: -1}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := &routemap.QueryResult{TotalSize: 1, Records: [][]any{{string(users[0].ID), nil}}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("Query mismatch (-want +got):\n%s", diff)
		}
	})
}
