package sqlite

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
)

// TestQueryTablesCoverSchema checks that Query knows every object and field
// of routemap.NewSchema, and nothing else.
func TestQueryTablesCoverSchema(t *testing.T) {
	schema := routemap.NewSchema()
	var objects []string
	for _, o := range schema.Objects {
		objects = append(objects, strings.ToLower(o.Name))
		tab, ok := queryTables[strings.ToLower(o.Name)]
		if !ok {
			t.Errorf("no query table for %s", o.Name)
			continue
		}
		var want, got []string
		for _, f := range o.Fields {
			want = append(want, strings.ToLower(f.Name))
		}
		for name := range tab.cols {
			got = append(got, name)
		}
		sort.Strings(want)
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s fields (-schema +query table):\n%s", o.Name, diff)
		}
	}
	var got []string
	for name := range queryTables {
		got = append(got, name)
	}
	sort.Strings(objects)
	sort.Strings(got)
	if diff := cmp.Diff(objects, got); diff != "" {
		t.Errorf("objects (-schema +query tables):\n%s", diff)
	}
}

// TestMigrations checks the embedded migrations load and run 1, 2, 3...
func TestMigrations(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || SchemaVersion() != len(ms) {
		t.Fatalf("%d migrations, SchemaVersion %d", len(ms), SchemaVersion())
	}
}
