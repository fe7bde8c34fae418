package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"routemap"
	"routemap/soql"
)

// TestLookupUsesDeveloperNameIndex checks the query plan of the lookup
// `routemap import` makes of a few DeveloperNames in a contact center: it
// searches the DeveloperName index, on both the writer's and the readers'
// connections, whatever the size of the org (see migration 0003), rather
// than walking the org's maps in id order.
func TestLookupUsesDeveloperNameIndex(t *testing.T) {
	e := newBenchEnv(t, 200)
	ctx := t.Context()
	ops := make([]routemap.RoutingMapOp, 0, 200)
	for k := range 200 {
		ops = append(ops, e.op(k))
	}
	if _, err := e.s.ApplyRoutingMaps(ctx, e.org, e.actor, ops, true); err != nil {
		t.Fatal(err)
	}
	text := "SELECT Id, DeveloperName FROM CallCenterRoutingMap WHERE CallCenterId = '" + string(e.center) +
		"' AND DeveloperName IN ('" + e.op(7).Map.DeveloperName + "', '" + strings.ToUpper(e.op(199).Map.DeveloperName) + "')"
	p, err := soql.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	q, err := soql.Resolve(p, routemap.NewSchema(), 62)
	if err != nil {
		t.Fatal(err)
	}
	st, err := buildQuery(e.org, q)
	if err != nil {
		t.Fatal(err)
	}
	args := append(append([]any{}, st.args...), 2000, 0)
	for name, db := range map[string]interface {
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	}{"writer": e.s.wdb, "reader": e.s.rdb} {
		rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+st.sel, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(detail + "\n")
		}
		rows.Close()
		if !strings.Contains(plan.String(), "USING INDEX routing_maps_developer_name") {
			t.Errorf("%s: the lookup does not search the DeveloperName index:\n%s", name, plan.String())
		}
	}
	got, err := e.s.Query(ctx, e.org, q, 0, 2000)
	if err != nil || got.TotalSize != 2 {
		t.Fatalf("lookup found %+v, %v; want 2 maps", got, err)
	}
}
