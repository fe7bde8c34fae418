package soql_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap/soql"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"OKCanonicalKeywords", "select id , name from user where name like 'a%' order by name desc nulls last limit 5 offset 1",
			"SELECT id, name FROM user WHERE name LIKE 'a%' ORDER BY name DESC NULLS LAST LIMIT 5 OFFSET 1"},
		{"OKCount", "select count() from X", "SELECT COUNT() FROM X"},
		{"OKNotEqualSpelledBang", "SELECT Id FROM X WHERE A <> 1", "SELECT Id FROM X WHERE A != 1"},
		{"OKParenthesesOnlyWhereNeeded", "SELECT Id FROM X WHERE ((A = 1 OR (B = 2)) AND NOT C = 3) AND D NOT IN (1, 2)",
			"SELECT Id FROM X WHERE ((A = 1 OR B = 2) AND NOT C = 3) AND D NOT IN (1, 2)"},
		{"OKNotOfCompound", "SELECT Id FROM X WHERE NOT (A = 1 AND B = 2) OR NOT (NOT C = 3)",
			"SELECT Id FROM X WHERE NOT (A = 1 AND B = 2) OR NOT (NOT C = 3)"},
		{"OKStringsReescaped", `SELECT Id FROM X WHERE A = 'It\'s\N\u00e9\\' AND B LIKE '\_\%\\%_' AND C = '"'`,
			`SELECT Id FROM X WHERE A = 'It\'s\né\\' AND B LIKE '\_\%\\%_' AND C = '"'`},
		{"OKLiterals", "SELECT Id FROM X WHERE A IN (007, -0.50, TRUE, Null, 2024-01-15, 2024-01-15T10:00:00.100+05:30, 2024-01-15T10:00:00-00:00)",
			"SELECT Id FROM X WHERE A IN (7, -0.5, true, null, 2024-01-15, 2024-01-15T10:00:00.1+05:30, 2024-01-15T10:00:00Z)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := soql.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := soql.Format(p); got != tt.want {
				t.Errorf("Format\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestFormatRoundTrip checks, for every query TestParse accepts, that the
// formatted text parses back to the same tree and formats the same again.
func TestFormatRoundTrip(t *testing.T) {
	for _, tt := range parseOK {
		t.Run(tt.name, func(t *testing.T) {
			p, err := soql.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			checkRoundTrip(t, p)
		})
	}
}

// checkRoundTrip asserts that Format(p) reads back as p. Formatting may
// lengthen a query (a=1 becomes a = 1), so text that grows past the limit
// is exempt.
func checkRoundTrip(t *testing.T, p *soql.Parsed) {
	t.Helper()
	text := soql.Format(p)
	if len([]rune(text)) > soql.MaxQueryLength {
		return
	}
	again, err := soql.Parse(text)
	if err != nil {
		t.Fatalf("formatted query does not parse: %v\ninput:  %q\nformat: %q", err, p.Text, text)
	}
	if diff := cmp.Diff(p, again, ignorePos); diff != "" {
		t.Fatalf("round trip changed the tree (-first +second):\n%s\ninput:  %q\nformat: %q", diff, p.Text, text)
	}
	if text2 := soql.Format(again); text2 != text {
		t.Fatalf("Format is not stable:\n%q\n%q", text, text2)
	}
}

func TestFormatNil(t *testing.T) {
	if got := soql.Format(nil); got != "" {
		t.Errorf("Format(nil) = %q; want empty", got)
	}
}
