package routemap

import (
	"encoding/binary"
	"hash/maphash"
	"strings"

	"routemap/sfid"
)

// CrossCheck applies the rules that span the records of one file:
// DeveloperNames are unique; a user has one map per contact center and
// belongs to one contact center; a telephony user is mapped to one
// Salesforce user per contact center; a contact center's agent ARNs come
// from one Amazon Connect instance; and a contact center does not mix ARNs
// with plain usernames.
//
// It holds 64-bit hashes rather than the values, so a million records cost
// tens of megabytes. Two different values collide with a probability near
// n²/2⁶⁵ (about 3·10⁻⁸ for a million records); a collision would report a
// false duplicate, never hide a real one. A CrossCheck is not safe for
// concurrent use.
type CrossCheck struct {
	provider  Provider
	seed      maphash.Seed
	names     map[uint64]uint32 // DeveloperName, case-folded → line
	users     map[uint64]uint64 // user id → center index<<32 | line
	externals map[uint64]uint32 // center index + ExternalId, case-folded → line
	centers   map[sfid.ID]*centerFacts
	byIndex   []sfid.ID
	buf       []byte
}

type centerFacts struct {
	index     uint32
	instance  ConnectARN // first agent ARN's instance
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
		provider:  p,
		seed:      maphash.MakeSeed(),
		names:     make(map[uint64]uint32),
		users:     make(map[uint64]uint64),
		externals: make(map[uint64]uint32),
		centers:   make(map[sfid.ID]*centerFacts),
	}
}

// Add records m, found at line, and returns the cross-record rules it
// breaks against the records added before it. m is usually Checked.Map;
// fields Check could not parse are zero and take part in no rule.
func (x *CrossCheck) Add(line int, m *RoutingMap) []Problem {
	var out []Problem
	at := uint32(line)

	if m.DeveloperName != "" {
		h := x.hashFolded(nil, m.DeveloperName)
		if prev, ok := x.names[h]; ok {
			out = append(out, errorf(FieldDeveloperName, CodeDuplicateDeveloperName, "give each map its own DeveloperName, or remove the duplicate row",
				"DeveloperName %s is already used on line %d; DeveloperNames are unique in an org", m.DeveloperName, prev))
		} else {
			x.names[h] = at
		}
	}

	if m.CallCenterID.IsZero() {
		return out
	}
	cf := x.center(m.CallCenterID)

	// userPrevLine is the line where this user was first seen, 0 if new.
	var userPrevLine uint32
	if !m.ReferenceRecordID.IsZero() {
		userHash := maphash.String(x.seed, string(m.ReferenceRecordID))
		packed := uint64(cf.index)<<32 | uint64(at)
		if prev, ok := x.users[userHash]; ok {
			prevCenter, prevLine := uint32(prev>>32), uint32(prev)
			userPrevLine = prevLine
			if prevCenter == cf.index {
				out = append(out, errorf(FieldReferenceRecordID, CodeDuplicateUser, "keep one row per user and contact center",
					"user %s is already mapped in contact center %s on line %d; a user has one map per contact center", m.ReferenceRecordID, m.CallCenterID, prevLine))
			} else if m.IsUserMap() {
				out = append(out, errorf(FieldReferenceRecordID, CodeUserInTwoCallCenters, "a user belongs to one contact center; keep the row for the contact center the user is a member of",
					"user %s is mapped in contact center %s on line %d and in %s here", m.ReferenceRecordID, x.byIndex[prevCenter], prevLine, m.CallCenterID))
			}
		} else {
			x.users[userHash] = packed
		}
	}

	if m.ExternalID != "" {
		var idx [4]byte
		binary.LittleEndian.PutUint32(idx[:], cf.index)
		h := x.hashFolded(idx[:], m.ExternalID)
		if prevLine, ok := x.externals[h]; ok {
			// The same user on the same earlier line is a repeated row,
			// already reported as duplicate_user.
			if prevLine != userPrevLine {
				out = append(out, errorf(FieldExternalID, CodeDuplicateExternalID, "each telephony user maps to one Salesforce user per contact center",
					"telephony user %s is already mapped to another Salesforce user on line %d in contact center %s", m.ExternalID, prevLine, m.CallCenterID))
			}
		} else {
			x.externals[h] = at
		}

		isARN := strings.HasPrefix(m.ExternalID, "arn:")
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
		if isARN {
			if a, err := ParseConnectARN(m.ExternalID); err == nil {
				if cf.instLine == 0 {
					cf.instance, cf.instLine = a.Instance(), line
				} else if !a.SameInstance(cf.instance) {
					out = append(out, errorf(FieldExternalID, CodeMixedInstances, "a contact center has one Amazon Connect instance; use the ARN of the agent in "+cf.instance.String(),
						"ExternalId belongs to instance %s, but line %d put contact center %s on instance %s", a.Instance(), cf.instLine, m.CallCenterID, cf.instance))
				}
			}
		}
	}
	return out
}

func (x *CrossCheck) center(id sfid.ID) *centerFacts {
	cf, ok := x.centers[id]
	if !ok {
		cf = &centerFacts{index: uint32(len(x.byIndex))}
		x.centers[id] = cf
		x.byIndex = append(x.byIndex, id)
	}
	return cf
}

// hashFolded hashes prefix followed by s with ASCII letters lower-cased.
func (x *CrossCheck) hashFolded(prefix []byte, s string) uint64 {
	b := append(x.buf[:0], prefix...)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	x.buf = b
	return maphash.Bytes(x.seed, b)
}

// Len returns the number of distinct DeveloperNames seen.
func (x *CrossCheck) Len() int { return len(x.names) }
