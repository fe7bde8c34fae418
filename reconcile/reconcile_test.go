package reconcile_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/reconcile"
	"routemap/sfid"
)

func mapOf(user, name, ext, qc string) routemap.RoutingMap {
	return routemap.RoutingMap{
		ID: "", ExternalID: ext, ReferenceRecordID: sfid.MustParse(user), CallCenterID: sfid.MustParse("04vHs000000XyZa"),
		DeveloperName: name, MasterLabel: user, QuickConnect: qc,
	}
}

func TestPlan(t *testing.T) {
	x := reconcile.NewIndex()
	existing := mapOf("005Hs00000ABcDe", "User_A", "arn:a", "qc1")
	existing.ID = sfid.MustParse("0RmRm0000000001")
	x.Add(&existing)
	tests := []struct {
		name string
		m    routemap.RoutingMap
		want reconcile.Item
	}{
		{"Create", mapOf("005Hs00000ABcDf", "User_B", "arn:b", ""), reconcile.Item{Action: reconcile.Create}},
		{"UnchangedIgnoringNameCase", mapOf("005Hs00000ABcDe", "user_a", "arn:a", "qc1"), reconcile.Item{Action: reconcile.Unchanged, ID: existing.ID}},
		{"UnchangedDefaultLanguage", func() routemap.RoutingMap {
			m := mapOf("005Hs00000ABcDe", "User_A", "arn:a", "qc1")
			m.Language = "en_US"
			return m
		}(), reconcile.Item{Action: reconcile.Unchanged, ID: existing.ID}},
		{"UpdateOnlyChanged", mapOf("005Hs00000ABcDe", "User_A", "arn:a2", ""), reconcile.Item{Action: reconcile.Update, ID: existing.ID,
			Changed: []string{routemap.FieldExternalID, routemap.FieldQuickConnect}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, x.Plan(&tt.m)); diff != "" {
				t.Error(diff)
			}
		})
	}
	t.Run("ColumnsNotInTheFileDoNotCount", func(t *testing.T) {
		x.Compare = map[string]bool{routemap.FieldExternalID: true}
		defer func() { x.Compare = nil }()
		m := mapOf("005Hs00000ABcDe", "User_A", "arn:a", "")
		if got := x.Plan(&m); got.Action != reconcile.Unchanged {
			t.Fatalf("%+v", got)
		}
	})
	var s reconcile.Summary
	for _, tt := range tests {
		s.Add(x.Plan(&tt.m))
	}
	if s != (reconcile.Summary{Create: 1, Update: 1, Unchanged: 2}) || s.Changes() != 2 {
		t.Fatalf("%+v", s)
	}
}

func BenchmarkIndex(b *testing.B) {
	x := reconcile.NewIndex()
	maps := make([]routemap.RoutingMap, 100000)
	for i := range maps {
		u, _ := sfid.New(sfid.PrefixUser, "Hs", uint64(i))
		c := sfid.MustParse("04vHs000000XyZa")
		maps[i] = routemap.RoutingMap{ID: u, ExternalID: "arn:x", ReferenceRecordID: u, CallCenterID: c, DeveloperName: routemap.DeveloperNameFor(u, c), MasterLabel: string(u)}
		x.Add(&maps[i])
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		x.Plan(&maps[i%len(maps)])
	}
}
