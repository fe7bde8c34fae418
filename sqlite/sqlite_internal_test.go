package sqlite

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
)

// TestQueryTablesCoverSchema checks that Query knows every object, field
// and relationship of routemap.NewSchema, and every field of each
// relationship's parent, and nothing else.
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
		if diff := cmp.Diff(fieldNames(&o), colNames(tab.cols(mainAlias))); diff != "" {
			t.Errorf("%s fields (-schema +query table):\n%s", o.Name, diff)
		}
		var wantRels, gotRels []string
		for _, f := range o.Fields {
			if f.RelationshipName == "" {
				continue
			}
			wantRels = append(wantRels, strings.ToLower(f.RelationshipName))
			b := &sqlBuilder{t: tab, object: o.Name, parents: map[string]map[string]column{}}
			cols, err := b.parent(f.RelationshipName+".Id", f.RelationshipName)
			if err != nil {
				t.Errorf("%s.%s: %v", o.Name, f.RelationshipName, err)
				continue
			}
			if diff := cmp.Diff(fieldNames(schema.Parent(&f)), colNames(cols)); diff != "" {
				t.Errorf("%s.%s fields (-schema +query table):\n%s", o.Name, f.RelationshipName, diff)
			}
			for name, c := range cols {
				if !c.nullable {
					t.Errorf("%s.%s.%s is not nullable; a missing parent reads as null", o.Name, f.RelationshipName, name)
				}
			}
		}
		for name := range tab.rels {
			gotRels = append(gotRels, name)
		}
		sort.Strings(wantRels)
		sort.Strings(gotRels)
		if diff := cmp.Diff(wantRels, gotRels); diff != "" {
			t.Errorf("%s relationships (-schema +query table):\n%s", o.Name, diff)
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

// fieldNames returns the object's field names in lower case, sorted.
func fieldNames(o *routemap.ObjectInfo) []string {
	var out []string
	for _, f := range o.Fields {
		out = append(out, strings.ToLower(f.Name))
	}
	sort.Strings(out)
	return out
}

// colNames returns the keys of cols, sorted.
func colNames(cols map[string]column) []string {
	var out []string
	for name := range cols {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
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
