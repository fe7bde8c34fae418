package match_test

import (
	"testing"

	"routemap"
	"routemap/match"
)

// FuzzParseTemplate: any text either is refused with EINVALID or parses
// to a template whose canonical form parses to the same template (the
// same rendering for a user).
func FuzzParseTemplate(f *testing.F) {
	for _, seed := range []string{
		"{Alias}@{UserId15}@{OrgId15}",
		"{UserId15}@{OrgId15}",
		"$User.Alias & '@' & $User.Id & '@' & $Organization.Id",
		"CASESAFEID($User.Id) & '@' & CASESAFEID($Organization.Id)",
		"government", "default", "", "{Alias", "{Nope}", "agent-{UserId18}.x",
	} {
		f.Add(seed)
	}
	u := &routemap.User{ID: "005Hs00000ABcDeIAL", Alias: "jdoe", Username: "jdoe@example.com"}
	const org = "00DHs0000000AbCMAU"
	f.Fuzz(func(t *testing.T, s string) {
		tmpl, err := match.ParseTemplate(s)
		if err != nil {
			if routemap.ErrorCode(err) != routemap.EINVALID {
				t.Fatalf("ParseTemplate(%q) = %v, want EINVALID", s, err)
			}
			return
		}
		again, err := match.ParseTemplate(tmpl.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", tmpl.String(), s, err)
		}
		if got, want := again.Render(u, org), tmpl.Render(u, org); got != want {
			t.Fatalf("%q renders %q, its canonical form %q renders %q", s, want, tmpl.String(), got)
		}
	})
}
