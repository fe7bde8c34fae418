package sfid_test

import (
	"errors"
	"strings"
	"testing"

	"routemap/sfid"
)

// Published 15→18 vectors (salesforce-api.md §2.2).
var vectors = []struct{ id15, id18 string }{
	{"a01M00000062mPg", "a01M00000062mPgIAI"},
	{"001M000000qfPyS", "001M000000qfPySIAU"},
	{"a0FE000000D6r3F", "a0FE000000D6r3FMAR"},
	{"0F9E000000092w2", "0F9E000000092w2KAA"},
	{"aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaAAA"},
	{"AbCdEfGhIjKlMnO", "AbCdEfGhIjKlMnOVKV"},
	{"aBcDEfgHIJKLMNO", "aBcDEfgHIJKLMNO025"},
	{"001D000000IqhSL", "001D000000IqhSLIAZ"},
	{"0017F000008BqLk", "0017F000008BqLkQAK"},
	{"00300000003T2PG", "00300000003T2PGAA0"},
	{"0060H00000mbAZl", "0060H00000mbAZlQAM"},
	{"a0RE000000IJmcN", "a0RE000000IJmcNMAT"},
	{"005Hs00000ABcDe", "005Hs00000ABcDeIAL"},
	{"04vHs000000XyZa", "04vHs000000XyZaIAK"},
	{"00DHs0000001aBc", "00DHs0000001aBcMAI"},
}

func TestParse(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.id15, func(t *testing.T) {
			got, err := sfid.Parse(v.id15)
			if err != nil || got.String() != v.id18 {
				t.Fatalf("Parse(%q) = %q, %v; want %q", v.id15, got, err, v.id18)
			}
			got, err = sfid.Parse(v.id18)
			if err != nil || got.String() != v.id18 {
				t.Fatalf("Parse(%q) = %q, %v; want itself", v.id18, got, err)
			}
			if got.Short() != v.id15 {
				t.Fatalf("Short() = %q, want %q", got.Short(), v.id15)
			}
			sum, err := sfid.Checksum(v.id15)
			if err != nil || sum != v.id18[15:] {
				t.Fatalf("Checksum(%q) = %q, %v", v.id15, sum, err)
			}
		})
	}
}

func TestParse_LowerCaseSuffixIsNormalized(t *testing.T) {
	got, err := sfid.Parse("005Hs00000ABcDeial")
	if err != nil || got != "005Hs00000ABcDeIAL" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestParse_Errors(t *testing.T) {
	tests := []struct {
		name, in string
		kind     sfid.Kind
		contains string
	}{
		{"ErrEmpty", "", sfid.KindEmpty, "empty"},
		{"ErrLength", "005Hs00000ABcD", sfid.KindLength, "14 characters"},
		{"ErrLength17", "005Hs00000ABcDeIA", sfid.KindLength, "17 characters"},
		{"ErrCharacter", "005Hs00000AB-De", sfid.KindCharacter, "position 13"},
		{"ErrCharacterUnicode", "005Hs00000ABcDé", sfid.KindLength, "16 characters"},
		{"ErrChecksum", "005Hs00000ABcDeIAA", sfid.KindChecksum, `call for "IAL"`},
		{"ErrUpperCased", "005HS00000ABCDEIAL", sfid.KindCase, "005Hs00000ABcDeIAL"},
		{"ErrLowerCased", "0060h00000mbazlqam", sfid.KindCase, "0060H00000mbAZlQAM"},
		{"ErrMixedCaseTypoIsChecksum", "005Hs00000AbcDeIAL", sfid.KindChecksum, "the id is 005Hs00000AbcDeIAJ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sfid.Parse(tt.in)
			var e *sfid.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) err = %v, want *sfid.Error", tt.in, err)
			}
			if e.Kind != tt.kind {
				t.Errorf("Kind = %v, want %v (%v)", e.Kind, tt.kind, err)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("message %q does not contain %q", err, tt.contains)
			}
		})
	}
}

func TestRepairCase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0060H00000MBAZLQAM", "0060H00000mbAZlQAM"},
		{"0060h00000mbazlqam", "0060H00000mbAZlQAM"},
		{"005HS00000ABCDEIAL", "005Hs00000ABcDeIAL"},
		{"aaaaaaaaaaaaaaaAAA", "aaaaaaaaaaaaaaaAAA"},
		{"ABCDEFGHIJKLMNO025", "aBcDEfgHIJKLMNO025"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := sfid.RepairCase(tt.in)
			if err != nil || got.String() != tt.want {
				t.Fatalf("RepairCase(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	// A suffix that marks a digit as upper-case cannot come from a case change.
	if _, err := sfid.RepairCase("005HS00000ABCDE555"); err == nil {
		t.Fatal("RepairCase accepted a suffix that marks digits upper-case")
	}
	if _, err := sfid.RepairCase("005Hs00000ABcDe"); err == nil {
		t.Fatal("RepairCase accepted a 15-character id")
	}
}

func TestPrefix(t *testing.T) {
	tests := []struct {
		id     string
		prefix sfid.KeyPrefix
		object string
	}{
		{"005Hs00000ABcDeIAL", sfid.PrefixUser, "User"},
		{"00GHs00000QuEuEMAV", sfid.PrefixGroup, "Group"},
		{"04vHs000000XyZaIAK", sfid.PrefixCallCenter, "CallCenter"},
		{"00DHs0000001aBcMAI", sfid.PrefixOrganization, "Organization"},
		{"003Hs00000ABcDe", "003", "Contact"},
		{"zzzHs00000ABcDe", "zzz", ""},
	}
	for _, tt := range tests {
		id := sfid.MustParse(tt.id)
		if id.Prefix() != tt.prefix || id.Prefix().Object() != tt.object {
			t.Errorf("%s: prefix %q object %q; want %q %q", tt.id, id.Prefix(), id.Prefix().Object(), tt.prefix, tt.object)
		}
	}
}

func TestNew(t *testing.T) {
	seen := map[sfid.ID]bool{}
	for _, n := range []uint64{0, 1, 61, 62, 12345, 1 << 40, 13537086546263551} {
		id, err := sfid.New(sfid.PrefixRoutingMap, "Rm", n)
		if err != nil {
			t.Fatalf("New(%d): %v", n, err)
		}
		if back, err := sfid.Parse(id.String()); err != nil || back != id {
			t.Fatalf("minted id %q does not parse back: %v", id, err)
		}
		if id.Prefix() != sfid.PrefixRoutingMap {
			t.Fatalf("minted id %q has prefix %q", id, id.Prefix())
		}
		if seen[id] {
			t.Fatalf("New(%d) repeated id %q", n, id)
		}
		seen[id] = true
	}
	if _, err := sfid.New(sfid.PrefixUser, "Rm", 13537086546263552); err == nil {
		t.Fatal("New accepted a number that does not fit")
	}
	if _, err := sfid.New("05", "Rm", 1); err == nil {
		t.Fatal("New accepted a 2-character prefix")
	}
	if _, err := sfid.New(sfid.PrefixUser, "R_", 1); err == nil {
		t.Fatal("New accepted a bad pod")
	}
}

// FuzzParse checks Parse's contract on arbitrary input: it never panics, a
// success is an 18-character id that parses to itself and whose 15-character
// form parses to it too, and every failure is an *sfid.Error whose message
// can be formatted.
func FuzzParse(f *testing.F) {
	for _, v := range vectors {
		f.Add(v.id15)
		f.Add(v.id18)
	}
	f.Add("005HS00000ABCDEIAL")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := sfid.Parse(s)
		if err != nil {
			var e *sfid.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *sfid.Error", err)
			}
			_ = err.Error()
			if e.Kind == sfid.KindCase {
				if _, err := sfid.Parse(e.Repaired.String()); err != nil {
					t.Fatalf("repaired id %q does not parse: %v", e.Repaired, err)
				}
			}
			return
		}
		if len(id) != 18 {
			t.Fatalf("Parse(%q) = %q, not 18 characters", s, id)
		}
		again, err := sfid.Parse(id.Short())
		if err != nil || again != id {
			t.Fatalf("15-char form of %q parses to %q, %v", id, again, err)
		}
		if r, err := sfid.RepairCase(id.String()); err != nil || r != id {
			t.Fatalf("RepairCase of valid %q = %q, %v", id, r, err)
		}
	})
}

func BenchmarkParse18(b *testing.B) {
	for b.Loop() {
		if _, err := sfid.Parse("005Hs00000ABcDeIAL"); err != nil {
			b.Fatal(err)
		}
	}
}
