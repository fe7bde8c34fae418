// Package reconcile compares the routing maps a file asks for with the ones
// an org holds, and plans the writes that make the org match: create the
// missing, update (only the fields that differ) the changed, leave the
// rest. The plan is keyed by DeveloperName, which is unique in an org, so
// re-running an import changes nothing.
//
// It is pure: it sees only root types. cmd/routemap feeds it maps read
// from an org through the salesforce client and rows read by package csv,
// and carries the plan out.
package reconcile

import (
	"hash/maphash"
	"strings"

	"routemap"
	"routemap/sfid"
)

// Action is what a plan does with one desired map.
type Action string

// Actions.
const (
	Create    Action = "create"
	Update    Action = "update"
	Unchanged Action = "unchanged"
)

// Compared lists the fields an update may change, in the order Item.Changed
// reports them. DeveloperName is the key and never changes.
var Compared = []string{
	routemap.FieldExternalID,
	routemap.FieldReferenceRecordID,
	routemap.FieldCallCenterID,
	routemap.FieldMasterLabel,
	routemap.FieldQuickConnect,
	routemap.FieldLanguage,
}

// Item is the plan for one desired map.
type Item struct {
	Action Action
	// ID is the existing map's id (Update and Unchanged).
	ID sfid.ID
	// Changed names the fields an update sets, in Compared order.
	Changed []string
}

// Index holds what an org has: for each map, its id and a hash of each
// compared field, keyed by a hash of its DeveloperName ignoring case. A
// million maps cost about 80 MB. Two different values share a 64-bit hash
// with negligible probability (n²/2⁶⁵); that would plan a change as
// unchanged.
type Index struct {
	seed    maphash.Seed
	byName  map[uint64]int32
	entries []entry
	// Compare says which fields count: a file without a QuickConnect or
	// Language column does not ask to change them. Nil compares all.
	Compare map[string]bool
}

type entry struct {
	id     [18]byte
	fields [6]uint64
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{seed: maphash.MakeSeed(), byName: make(map[uint64]int32)}
}

// Len returns the number of maps indexed.
func (x *Index) Len() int { return len(x.entries) }

func (x *Index) nameKey(name string) uint64 {
	return maphash.String(x.seed, strings.ToLower(name))
}

func (x *Index) hashes(m *routemap.RoutingMap) [6]uint64 {
	lang := m.Language
	if lang == "" {
		lang = routemap.DefaultLanguage
	}
	vals := [6]string{m.ExternalID, string(m.ReferenceRecordID), string(m.CallCenterID), m.MasterLabel, m.QuickConnect, lang}
	var out [6]uint64
	for i, v := range vals {
		out[i] = maphash.String(x.seed, v)
	}
	return out
}

// Add records a map the org holds.
func (x *Index) Add(m *routemap.RoutingMap) {
	var e entry
	copy(e.id[:], m.ID)
	e.fields = x.hashes(m)
	k := x.nameKey(m.DeveloperName)
	if i, ok := x.byName[k]; ok {
		x.entries[i] = e
		return
	}
	x.byName[k] = int32(len(x.entries))
	x.entries = append(x.entries, e)
}

// Plan decides what to do with a desired map.
func (x *Index) Plan(m *routemap.RoutingMap) Item {
	i, ok := x.byName[x.nameKey(m.DeveloperName)]
	if !ok {
		return Item{Action: Create}
	}
	e := &x.entries[i]
	want := x.hashes(m)
	it := Item{Action: Unchanged, ID: sfid.ID(e.id[:])}
	for f, name := range Compared {
		if x.Compare != nil && !x.Compare[name] {
			continue
		}
		if want[f] != e.fields[f] {
			it.Changed = append(it.Changed, name)
		}
	}
	if len(it.Changed) > 0 {
		it.Action = Update
	}
	return it
}

// Summary counts a plan's actions.
type Summary struct {
	Create    int `json:"create"`
	Update    int `json:"update"`
	Unchanged int `json:"unchanged"`
}

// Add counts one item.
func (s *Summary) Add(it Item) {
	switch it.Action {
	case Create:
		s.Create++
	case Update:
		s.Update++
	case Unchanged:
		s.Unchanged++
	}
}

// Changes returns the number of writes the plan makes.
func (s Summary) Changes() int { return s.Create + s.Update }
