package routemap

import (
	"hash/maphash"
	"math/bits"
	"strings"

	"routemap/sfid"
)

// CrossCheck applies the rules that span the records of one file:
// DeveloperNames are unique; a user has one map per contact center and
// belongs to one contact center; a telephony user is mapped to one
// Salesforce user per contact center; a contact center's agent ARNs come
// from one Amazon Connect instance; and (when the provider is inferred) a
// contact center does not mix ARNs with plain usernames.
//
// It keeps 64-bit hashes rather than the values, in one open-addressing
// table of 16-byte slots, so a million records cost about 48 MB.
//
// A DeveloperName of the article's exact form User_<user id>_<contact
// center id> (both 18 characters) takes no key of its own: 18-character ids
// are unique even ignoring case (their suffix encodes the case), so such a
// name is unique exactly when its user and contact center are, and the
// user's key stands for it. Any other name is keyed by itself, and if it
// merely looks like that form it also "claims" the user it names, so a
// later conventional name equal to it (in any case) is still caught. Two
// different values collide with a probability near n²/2⁶⁵ (about 10⁻⁷ for
// the three million keys of a million records); a collision would report a
// false duplicate, never hide a real one. A CrossCheck is not safe for
// concurrent use.
type CrossCheck struct {
	provider Provider
	seedName maphash.Seed
	seedUser maphash.Seed
	seedExt  maphash.Seed
	table    hashTable
	centers  map[sfid.ID]*centerFacts
	byIndex  []sfid.ID
	last     *centerFacts // files rarely switch contact centers
	buf      []byte
	warm     []warmed // hashes computed by Warm, oldest first
	sink     uint64
}

// warmed holds the hashes of a record passed to Warm.
type warmed struct {
	m                 *RoutingMap
	name, user, ext   uint64
	hasName, hasOther bool
}

type centerFacts struct {
	index     uint32
	instance  string // instance part of the first agent ARN
	instLine  int
	arnLine   int // first row with an ARN ExternalId
	plainLine int // first row with a plain ExternalId
}

// NewCrossCheck returns an empty CrossCheck for files under the given
// provider's rules. Mixing ARNs and usernames in one contact center is
// reported only under ProviderAuto: with a named provider, Check already
// flags each value of the wrong kind.
func NewCrossCheck(p Provider) *CrossCheck {
	return &CrossCheck{
		provider: p,
		seedName: maphash.MakeSeed(),
		seedUser: maphash.MakeSeed(),
		seedExt:  maphash.MakeSeed(),
		centers:  make(map[sfid.ID]*centerFacts),
	}
}

// Reserve makes room for about n records, so that the table need not grow
// (and briefly hold two copies of itself) while they are added.
func (x *CrossCheck) Reserve(n int) { x.table.reserve(2 * n) }

// Warm prepares m for a coming Add: it hashes its keys and reads their
// slots, so that warming a few records before adding them lets the
// processor wait for their memory in parallel rather than one at a time.
// Records must then be added in the order they were warmed. Warm is only a
// speed-up; Add gives the same answers without it.
func (x *CrossCheck) Warm(m *RoutingMap) {
	w := warmed{m: m}
	fast := m.IsUserMap() && !m.CallCenterID.IsZero() && isConventional18(m.DeveloperName, m.ReferenceRecordID, m.CallCenterID)
	if m.DeveloperName != "" && !fast {
		w.name, w.hasName = maphash.Bytes(x.seedName, x.fold(m.DeveloperName)), true
		x.sink += x.table.touch(w.name)
	}
	if !m.CallCenterID.IsZero() {
		w.hasOther = true
		idx := x.center(m.CallCenterID).index
		if !m.ReferenceRecordID.IsZero() {
			w.user = maphash.String(x.seedUser, string(m.ReferenceRecordID))
			x.sink += x.table.touch(w.user)
		}
		if m.ExternalID != "" {
			w.ext = x.extHash(m.ExternalID, idx)
			x.sink += x.table.touch(w.ext)
		}
	}
	x.warm = append(x.warm, w)
}

// hashes returns m's keys, from Warm when it prepared them. A fast
// (conventional) name needs no key of its own.
func (x *CrossCheck) hashes(m *RoutingMap, idx uint32, fast bool) (name, user, ext uint64) {
	if len(x.warm) > 0 && x.warm[0].m == m {
		w := x.warm[0]
		x.warm = x.warm[1:]
		if len(x.warm) == 0 {
			x.warm = x.warm[:0:cap(x.warm)]
		}
		return w.name, w.user, w.ext
	}
	x.warm = x.warm[:0]
	if m.DeveloperName != "" && !fast {
		name = maphash.Bytes(x.seedName, x.fold(m.DeveloperName))
	}
	if !m.ReferenceRecordID.IsZero() {
		user = maphash.String(x.seedUser, string(m.ReferenceRecordID))
	}
	if m.ExternalID != "" && !m.CallCenterID.IsZero() {
		ext = x.extHash(m.ExternalID, idx)
	}
	return name, user, ext
}

// extHash hashes an ExternalId within a contact center. ARNs are
// case-sensitive identifiers; usernames are compared ignoring case.
func (x *CrossCheck) extHash(ext string, center uint32) uint64 {
	var h uint64
	if strings.HasPrefix(ext, "arn:") {
		h = maphash.String(x.seedExt, ext)
	} else {
		h = maphash.Bytes(x.seedExt, x.fold(ext))
	}
	return mix(h ^ (uint64(center)+1)*0x9E3779B97F4A7C15)
}

// Bits of a user key's value: the line (low 32 bits), the contact center
// index, and two flags.
const (
	userClaim    = 1 << 63 // a DeveloperName names this user; no record maps it yet
	userFastName = 1 << 62 // the record mapping this user has the conventional name
	centerMask   = 1<<30 - 1
	centerShift  = 32
)

func userVal(flags uint64, center uint32, line uint64) uint64 {
	return flags | uint64(center&centerMask)<<centerShift | line
}

// Add records m, found at line, and returns the cross-record rules it
// breaks against the records added before it. m is usually Checked.Map;
// fields Check could not parse are zero and take part in no rule.
func (x *CrossCheck) Add(line int, m *RoutingMap) []Problem {
	// Problems come in field order: DeveloperName, then the user, then
	// ExternalId.
	var names, out []Problem
	at := uint64(uint32(line))
	var idx uint32
	if !m.CallCenterID.IsZero() {
		idx = x.center(m.CallCenterID).index
	}
	fast := m.IsUserMap() && !m.CallCenterID.IsZero() && isConventional18(m.DeveloperName, m.ReferenceRecordID, m.CallCenterID)
	hName, hUser, hExt := x.hashes(m, idx, fast)

	// userPrevLine is the line where this user was first mapped, 0 if new.
	var userPrevLine uint32
	if !m.ReferenceRecordID.IsZero() && !m.CallCenterID.IsZero() {
		var flags uint64
		if fast {
			flags = userFastName
		}
		mine := userVal(flags, idx, at)
		prev, found := x.table.getOrPut(hUser, mine)
		switch {
		case found && prev&userClaim != 0:
			// An earlier odd DeveloperName spelled this user's
			// conventional name; the user itself is new. The slot holds
			// the first such claim; others are in the name keys.
			if fast && uint32(prev>>centerShift)&centerMask == idx {
				names = append(names, duplicateName(m.DeveloperName, uint32(prev)))
			} else if fast {
				hName = x.nameKey(m.DeveloperName, hName)
				if prev, found := x.table.getOrPut(hName, at); found {
					names = append(names, duplicateName(m.DeveloperName, uint32(prev)))
				}
			}
			x.table.set(hUser, mine)
		case found:
			prevCenter, prevLine := uint32(prev>>centerShift)&centerMask, uint32(prev)
			userPrevLine = prevLine
			switch {
			case fast && prev&userFastName != 0 && prevCenter == idx:
				// Same user and center: the conventional names match too.
				names = append(names, duplicateName(m.DeveloperName, prevLine))
			case fast:
				// The user's key belongs to another record, so it cannot
				// stand for this name: key the name itself. Every odd name
				// is keyed too, so this finds them all.
				hName = x.nameKey(m.DeveloperName, hName)
				if prev, found := x.table.getOrPut(hName, at); found {
					names = append(names, duplicateName(m.DeveloperName, uint32(prev)))
				}
			}
			if prevCenter == idx {
				out = append(out, errorf(FieldReferenceRecordID, CodeDuplicateUser, "keep one row per user and contact center",
					"user %s is already mapped in contact center %s on line %d; a user has one map per contact center", m.ReferenceRecordID, m.CallCenterID, prevLine))
			} else if m.IsUserMap() {
				out = append(out, errorf(FieldReferenceRecordID, CodeUserInTwoCallCenters, "a user belongs to one contact center; keep the row for the contact center the user is a member of",
					"user %s is mapped in contact center %s on line %d and in %s here", m.ReferenceRecordID, x.byIndex[prevCenter], prevLine, m.CallCenterID))
			}
		}
	}

	if m.DeveloperName != "" && !fast {
		var first uint32 // earliest line with the same name, 0 if none
		if prev, found := x.table.getOrPut(hName, at); found {
			first = uint32(prev)
		}
		if u, c, ok := x.namedUser(m.DeveloperName); ok {
			// The name looks conventional for some user: it collides
			// with that user's conventional name, now or later.
			hu := maphash.String(x.seedUser, string(u))
			prev, found := x.table.getOrPut(hu, userVal(userClaim, c, at))
			if found && prev&(userClaim|userFastName) == userFastName && uint32(prev>>centerShift)&centerMask == c {
				if first == 0 || uint32(prev) < first {
					first = uint32(prev)
				}
			}
		}
		if first != 0 {
			names = append(names, duplicateName(m.DeveloperName, first))
		}
	}

	if m.CallCenterID.IsZero() {
		return append(names, out...)
	}
	cf := x.center(m.CallCenterID)
	if m.ExternalID != "" {
		isARN := strings.HasPrefix(m.ExternalID, "arn:")
		if prev, found := x.table.getOrPut(hExt, at); found && uint32(prev) != userPrevLine {
			// The same user on the same earlier line is a repeated row,
			// already reported as duplicate_user.
			out = append(out, errorf(FieldExternalID, CodeDuplicateExternalID, "each telephony user maps to one Salesforce user per contact center",
				"telephony user %s is already mapped to another Salesforce user on line %d in contact center %s", m.ExternalID, uint32(prev), m.CallCenterID))
		}

		switch {
		case isARN && cf.arnLine == 0:
			cf.arnLine = line
		case !isARN && cf.plainLine == 0:
			cf.plainLine = line
		}
		switch {
		case x.provider != ProviderAuto:
		case isARN && cf.plainLine != 0 && cf.plainLine < cf.arnLine:
			out = append(out, errorf(FieldExternalID, CodeMixedExternalIDKinds, "use agent ARNs for every rep of an Amazon Connect contact center, usernames for partner telephony",
				"contact center %s has a plain username as ExternalId on line %d and an ARN here", m.CallCenterID, cf.plainLine))
		case !isARN && cf.arnLine != 0 && cf.arnLine < cf.plainLine:
			out = append(out, errorf(FieldExternalID, CodeMixedExternalIDKinds, "use agent ARNs for every rep of an Amazon Connect contact center, usernames for partner telephony",
				"contact center %s has an agent ARN as ExternalId on line %d and a plain username here", m.CallCenterID, cf.arnLine))
		}
		if inst := instancePart(m.ExternalID); inst != "" {
			if cf.instLine == 0 {
				cf.instance, cf.instLine = strings.Clone(inst), line
			} else if inst != cf.instance {
				out = append(out, errorf(FieldExternalID, CodeMixedInstances, "a contact center has one Amazon Connect instance; use the ARN of the agent in "+cf.instance,
					"ExternalId belongs to instance %s, but line %d put contact center %s on instance %s", inst, cf.instLine, m.CallCenterID, cf.instance))
			}
		}
	}
	return append(names, out...)
}

// nameKey returns the key of a DeveloperName, computing it unless known.
func (x *CrossCheck) nameKey(name string, known uint64) uint64 {
	if known != 0 {
		return known
	}
	return maphash.Bytes(x.seedName, x.fold(name))
}

func duplicateName(name string, prevLine uint32) Problem {
	return errorf(FieldDeveloperName, CodeDuplicateDeveloperName, "give each map its own DeveloperName, or remove the duplicate row",
		"DeveloperName %s is already used on line %d; DeveloperNames are unique in an org", name, prevLine)
}

// isConventional18 reports whether name is exactly User_<user>_<center>
// with both ids in their 18-character form.
func isConventional18(name string, user, center sfid.ID) bool {
	return len(name) == 42 && name[:5] == "User_" && name[5:23] == string(user) && name[23] == '_' && name[24:] == string(center)
}

// namedUser reports whether name has the form User_<id>_<id> (in any letter
// case) with an 18-character user id and the 18-character id of a contact
// center seen in this file, returning that user and the center's index.
func (x *CrossCheck) namedUser(name string) (sfid.ID, uint32, bool) {
	if len(name) != 42 || !strings.EqualFold(name[:5], "User_") || name[23] != '_' {
		return "", 0, false
	}
	u, err := sfid.RepairCase(name[5:23])
	if err != nil || u.Prefix() != sfid.PrefixUser {
		return "", 0, false
	}
	c, err := sfid.RepairCase(name[24:])
	if err != nil {
		return "", 0, false
	}
	cf := x.center(c)
	return u, cf.index, true
}

// instancePart returns the instance ARN a Connect resource ARN starts with
// ("arn:…:instance/<id>"), or "" for anything else.
func instancePart(s string) string {
	// Skip arn:partition:service:region:account: to the resource.
	i := 0
	for range 5 {
		j := strings.IndexByte(s[i:], ':')
		if j < 0 {
			return ""
		}
		i += j + 1
	}
	if !strings.HasPrefix(s[i:], "instance/") || !strings.HasPrefix(s, "arn:") {
		return ""
	}
	end := i + len("instance/")
	if j := strings.IndexByte(s[end:], '/'); j >= 0 {
		end += j
	} else {
		end = len(s)
	}
	return s[:end]
}

func (x *CrossCheck) center(id sfid.ID) *centerFacts {
	if x.last != nil && x.byIndex[x.last.index] == id {
		return x.last
	}
	cf, ok := x.centers[id]
	defer func() { x.last = cf }()
	if !ok {
		cf = &centerFacts{index: uint32(len(x.byIndex))}
		x.centers[id] = cf
		x.byIndex = append(x.byIndex, id)
	}
	return cf
}

// fold returns s with ASCII letters lower-cased, in a reused buffer.
func (x *CrossCheck) fold(s string) []byte {
	b := append(x.buf[:0], s...)
	for i, c := range b {
		if c-'A' < 26 {
			b[i] = c + 'a' - 'A'
		}
	}
	x.buf = b
	return b
}

// Len returns the number of keys held: about two per record.
func (x *CrossCheck) Len() int { return x.table.n }

// mix scrambles the bits of h (the splitmix64 finalizer), so that a hash
// combined with a small number stays uniformly spread.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// hashTable is an open-addressing (linear probing) map from uniformly
// distributed 64-bit keys to 64-bit values. Key 0 marks an empty slot, so
// a zero key is stored as 1. The capacity need not be a power of two: a
// key's home slot is the high half of key × capacity.
type hashTable struct {
	slots []slot
	n     int
}

type slot struct{ key, val uint64 }

func (t *hashTable) home(key uint64) int {
	hi, _ := bits.Mul64(key, uint64(len(t.slots)))
	return int(hi)
}

// touch reads key's home slot so that a later getOrPut finds it in cache;
// reading several in a row lets the processor fetch them in parallel.
func (t *hashTable) touch(key uint64) uint64 {
	if len(t.slots) == 0 {
		return 0
	}
	return t.slots[t.home(key)].key
}

// getOrPut returns the value stored under key and true, or stores val under
// key and returns false.
func (t *hashTable) getOrPut(key, val uint64) (uint64, bool) {
	if key == 0 {
		key = 1
	}
	if t.n >= len(t.slots)*3/4 {
		t.resize(2 * len(t.slots))
	}
	for i := t.home(key); ; {
		s := &t.slots[i]
		switch s.key {
		case key:
			return s.val, true
		case 0:
			s.key, s.val = key, val
			t.n++
			return 0, false
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}

// set stores val under key, which must be present.
func (t *hashTable) set(key, val uint64) {
	if key == 0 {
		key = 1
	}
	for i := t.home(key); ; {
		if t.slots[i].key == key {
			t.slots[i].val = val
			return
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}

// reserve makes room for n keys at the table's load limit.
func (t *hashTable) reserve(n int) {
	if want := n*4/3 + 1; want > len(t.slots) {
		t.resize(want)
	}
}

func (t *hashTable) resize(size int) {
	if size < 1<<12 {
		size = 1 << 12
	}
	old := t.slots
	t.slots = make([]slot, size)
	for _, s := range old {
		if s.key == 0 {
			continue
		}
		i := t.home(s.key)
		for t.slots[i].key != 0 {
			if i++; i == len(t.slots) {
				i = 0
			}
		}
		t.slots[i] = s
	}
}
