package routemap

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"routemap/sfid"
)

func benchMaps(b *testing.B, n int) []RoutingMap {
	b.Helper()
	center := sfid.MustParse("04vHs000000XyZa")
	const instance = "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
	out := make([]RoutingMap, n)
	for i := range out {
		user, _ := sfid.New(sfid.PrefixUser, "Hs", uint64(i))
		out[i] = RoutingMap{
			ExternalID:        fmt.Sprintf("%s/agent/%08x-1111-4111-8111-%012x", instance, i, i),
			ReferenceRecordID: user,
			CallCenterID:      center,
			DeveloperName:     DeveloperNameFor(user, center),
		}
	}
	return out
}

// BenchmarkCrossCheck measures the cross-record rules alone over a million
// records, with and without the table reserved up front and Warm.
func BenchmarkCrossCheck(b *testing.B) {
	maps := benchMaps(b, 1000000)
	for _, tc := range []struct {
		name          string
		reserve, warm bool
	}{{"Grow", false, false}, {"Reserve", true, false}, {"GrowWarm", false, true}, {"ReserveWarm", true, true}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				x := NewCrossCheck(ProviderAmazonConnect)
				if tc.reserve {
					x.Reserve(len(maps))
				}
				for i := range maps {
					if tc.warm && i%16 == 0 {
						for j := i; j < min(i+16, len(maps)); j++ {
							x.Warm(&maps[j])
						}
					}
					if ps := x.Add(i+2, &maps[i]); ps != nil {
						b.Fatal(ps)
					}
				}
			}
			b.ReportMetric(float64(b.N)*float64(len(maps))/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// referenceCross is the obvious implementation of CrossCheck's rules over
// exact values, for differential testing.
type referenceCross struct {
	maps  []RoutingMap
	lines []int
}

func (r *referenceCross) add(line int, m RoutingMap) []string {
	var codes []string
	for i, p := range r.maps {
		if m.DeveloperName != "" && strings.EqualFold(p.DeveloperName, m.DeveloperName) {
			codes = append(codes, CodeDuplicateDeveloperName+"@"+strconv.Itoa(r.lines[i]))
			break
		}
	}
	userPrev := 0
	if !m.ReferenceRecordID.IsZero() && !m.CallCenterID.IsZero() {
		for i, p := range r.maps {
			if p.ReferenceRecordID == m.ReferenceRecordID && !p.CallCenterID.IsZero() {
				userPrev = r.lines[i]
				if p.CallCenterID == m.CallCenterID {
					codes = append(codes, CodeDuplicateUser+"@"+strconv.Itoa(r.lines[i]))
				} else if m.IsUserMap() {
					codes = append(codes, CodeUserInTwoCallCenters+"@"+strconv.Itoa(r.lines[i]))
				}
				break
			}
		}
	}
	if m.ExternalID != "" && !m.CallCenterID.IsZero() {
		for i, p := range r.maps {
			same := strings.EqualFold(p.ExternalID, m.ExternalID)
			if strings.HasPrefix(m.ExternalID, "arn:") || strings.HasPrefix(p.ExternalID, "arn:") {
				same = p.ExternalID == m.ExternalID // ARNs are case-sensitive
			}
			if p.CallCenterID == m.CallCenterID && same {
				if r.lines[i] != userPrev {
					codes = append(codes, CodeDuplicateExternalID+"@"+strconv.Itoa(r.lines[i]))
				}
				break
			}
		}
	}
	r.maps = append(r.maps, m)
	r.lines = append(r.lines, line)
	return codes
}

// TestCrossCheck_MatchesReference runs random small files full of
// collisions through CrossCheck and the reference. They must flag the same
// rows with the same codes, except that CrossCheck may leave out a
// duplicate DeveloperName on a row it already reports as a duplicate user
// or a user in two contact centers (the price of not keying conventional
// names separately).
func TestCrossCheck_MatchesReference(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	users := []sfid.ID{}
	for i := range 5 {
		u, _ := sfid.New(sfid.PrefixUser, "Hs", uint64(1000+i*7))
		users = append(users, u)
	}
	g, _ := sfid.New(sfid.PrefixGroup, "Hs", 5)
	users = append(users, g)
	centers := []sfid.ID{}
	for i := range 3 {
		c, _ := sfid.New(sfid.PrefixCallCenter, "Hs", uint64(200+i))
		centers = append(centers, c)
	}
	exts := []string{"jdoe", "JDoe", "asmith", "arn:aws:connect:us-west-2:111122223333:instance/i/agent/a", "arn:aws:connect:us-west-2:111122223333:instance/i/agent/A"}
	pick := func(n int) int { return rnd.IntN(n) }
	mangle := func(s string) string {
		b := []byte(s)
		for i := range b {
			if pick(3) == 0 {
				b[i] = byte(unicode.ToUpper(rune(b[i])))
			} else if pick(3) == 0 {
				b[i] = byte(unicode.ToLower(rune(b[i])))
			}
		}
		return string(b)
	}
	for file := 0; file < 3000; file++ {
		x := NewCrossCheck(ProviderAmazonConnect)
		ref := &referenceCross{}
		n := 2 + pick(25)
		for row := 0; row < n; row++ {
			m := RoutingMap{}
			if pick(10) > 0 {
				m.ReferenceRecordID = users[pick(len(users))]
			}
			if pick(10) > 0 {
				m.CallCenterID = centers[pick(len(centers))]
			}
			if pick(8) > 0 {
				m.ExternalID = exts[pick(len(exts))]
			}
			ou, oc := users[pick(len(users))], centers[pick(len(centers))]
			switch pick(7) {
			case 0:
				m.DeveloperName = "User_" + string(m.ReferenceRecordID) + "_" + string(m.CallCenterID)
			case 1:
				m.DeveloperName = mangle("User_" + string(m.ReferenceRecordID) + "_" + string(m.CallCenterID))
			case 2:
				m.DeveloperName = "User_" + string(ou) + "_" + string(oc)
			case 3:
				m.DeveloperName = mangle("User_" + string(ou) + "_" + string(oc))
			case 4:
				m.DeveloperName = "User_" + string(m.ReferenceRecordID) + "_" + m.CallCenterID.Short()
			case 5:
				m.DeveloperName = []string{"Alpha", "alpha", "Beta", ""}[pick(4)]
			case 6:
				m.DeveloperName = "User_" + string(m.ReferenceRecordID) + "_" + string(m.CallCenterID)
			}
			if m.DeveloperName == "User__" || strings.HasSuffix(m.DeveloperName, "_") {
				m.DeveloperName = "Gamma"
			}
			line := row + 2
			if pick(2) == 0 {
				x.Warm(&m)
			}
			var got []string
			for _, p := range x.Add(line, &m) {
				got = append(got, p.Code+"@"+lineOf(p.Message))
			}
			for _, g := range got {
				// A duplicate name may point at any earlier line with the
				// same name, not only the first.
				if code, l, _ := strings.Cut(g, "@"); code == CodeDuplicateDeveloperName {
					n, _ := strconv.Atoi(l)
					if n < 2 || n >= line || !strings.EqualFold(ref.maps[n-2].DeveloperName, m.DeveloperName) {
						t.Fatalf("file %d row %d: %s points at a line without that name", file, row, g)
					}
				}
			}
			want := ref.add(line, m)
			if !sameFlags(got, want) {
				var hist strings.Builder
				for i, p := range ref.maps {
					fmt.Fprintf(&hist, "  line %d: user=%s center=%s name=%s ext=%s\n", ref.lines[i], p.ReferenceRecordID, p.CallCenterID, p.DeveloperName, p.ExternalID)
				}
				t.Fatalf("file %d row %d:\n%s got  %v\nwant %v", file, row, hist.String(), got, want)
			}
		}
	}
}

// sameFlags compares problem codes (and the lines they refer to, except
// for duplicate names), allowing got to lack a duplicate name on a row that
// has a duplicate-user finding.
func sameFlags(got, want []string) bool {
	strip := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			if code, _, _ := strings.Cut(s, "@"); code == CodeDuplicateDeveloperName {
				s = code
			}
			out[i] = s
		}
		return out
	}
	got, want = strip(got), strip(want)
	has := func(list []string, prefix string) bool {
		for _, s := range list {
			if strings.HasPrefix(s, prefix) {
				return true
			}
		}
		return false
	}
	userDup := has(got, CodeDuplicateUser) || has(got, CodeUserInTwoCallCenters)
	var w []string
	for _, s := range want {
		if userDup && strings.HasPrefix(s, CodeDuplicateDeveloperName) && !has(got, CodeDuplicateDeveloperName) {
			continue
		}
		w = append(w, s)
	}
	return strings.Join(got, ",") == strings.Join(w, ",")
}

// lineOf extracts the "line N" a cross-check message refers to.
func lineOf(msg string) string {
	i := strings.Index(msg, "line ")
	if i < 0 {
		return "?"
	}
	j := i + 5
	for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
		j++
	}
	return msg[i+5 : j]
}
