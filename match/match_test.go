package match_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/match"
	"routemap/sfid"
)

var (
	org    = sfid.MustParse("00DHs0000001aBc")
	center = sfid.MustParse("04vHs000000XyZa")
	other  = sfid.MustParse("04vHs000000XyZb")
)

// rep returns an active member with a numbered id and the given alias.
func rep(n int, alias string) routemap.User {
	id, err := sfid.New(sfid.PrefixUser, "Hs", uint64(n))
	if err != nil {
		panic(err)
	}
	return routemap.User{ID: id, Alias: alias, Username: alias + "@acme.test", Email: alias + "@mail.acme.test",
		IsActive: true, CallCenterID: center}
}

// sso returns the default-format username of u.
func sso(u routemap.User) string { return u.Alias + "@" + u.ID.Short() + "@" + org.Short() }

func agent(id, username string) routemap.Agent {
	return routemap.Agent{ID: id, Username: username, ARN: "arn:aws:connect:us-west-2:111122223333:instance/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f/agent/" + id}
}

// outcome is a Result in terms a table can spell: member index → reason
// ("ok" for a pair), agent index → leftover reason.
type outcome struct {
	Members   map[int]string
	Leftovers map[int]string
}

func summarize(r *match.Result) outcome {
	o := outcome{Members: map[int]string{}, Leftovers: map[int]string{}}
	for _, p := range r.Pairs {
		o.Members[p.Member] = fmt.Sprintf("ok:%d", p.Agent)
		if p.CaseDiffers {
			o.Members[p.Member] += ":case"
		}
	}
	for _, m := range r.Misses {
		o.Members[m.Member] = string(m.Reason)
	}
	for _, l := range r.Leftovers {
		o.Leftovers[l.Agent] = string(l.Reason)
	}
	return o
}

func TestMatch(t *testing.T) {
	ava, ben := rep(1, "ava"), rep(2, "ben")
	// Two users whose 15-character ids differ only in letter case.
	lo, hi := ava, ava
	lo.ID, hi.ID = sfid.MustParse("005Hs00000ABcDe"), sfid.MustParse("005Hs00000ABcDE")
	inactive := ben
	inactive.IsActive = false
	elsewhere := ben
	elsewhere.CallCenterID = other
	apostrophe, space, accent, noAlias := rep(3, "o'brien"), rep(4, "mary ann"), rep(5, "zoë"), rep(6, "")
	noEmail := ben
	noEmail.Email = ""

	tests := []struct {
		name         string
		opts         match.Options
		members      []routemap.User
		agents       []routemap.Agent
		want         outcome
		wantMessages []string // substrings of the miss and leftover messages
	}{
		{"OKExact", match.Options{}, []routemap.User{ava, ben},
			[]routemap.Agent{agent("b", sso(ben)), agent("a", sso(ava))},
			outcome{map[int]string{0: "ok:1", 1: "ok:0"}, map[int]string{}}, nil},
		{"OKCaseDiffers", match.Options{}, []routemap.User{ava},
			[]routemap.Agent{agent("a", strings.ToUpper(sso(ava)))},
			outcome{map[int]string{0: "ok:0:case"}, map[int]string{}}, nil},
		{"NoAgent", match.Options{}, []routemap.User{ava}, nil,
			outcome{map[int]string{0: "no_agent"}, map[int]string{}},
			[]string{"no agent has username ava@005Hs0000000001@00DHs0000001aBc"}},
		{"NearMiss18CharUserID", match.Options{}, []routemap.User{ava},
			[]routemap.Agent{agent("a", "ava@"+string(ava.ID)+"@"+org.Short())},
			outcome{map[int]string{0: "near_miss"}, map[int]string{0: "near_miss"}},
			[]string{"agent ava@005Hs0000000001IAA@00DHs0000001aBc comes close: its username uses the 18-character user id", "a near miss for ava@acme.test"}},
		{"NearMiss18CharOrgID", match.Options{}, []routemap.User{ava},
			[]routemap.Agent{agent("a", "ava@"+ava.ID.Short()+"@"+string(org))},
			outcome{map[int]string{0: "near_miss"}, map[int]string{0: "near_miss"}},
			[]string{"18-character org id"}},
		{"NearMissGovernmentFormat", match.Options{}, []routemap.User{ava},
			[]routemap.Agent{agent("a", ava.ID.Short()+"@"+org.Short())},
			outcome{map[int]string{0: "near_miss"}, map[int]string{0: "near_miss"}},
			[]string{"government format"}},
		{"NearMissOldAlias", match.Options{}, []routemap.User{ava},
			[]routemap.Agent{agent("a", "avap@"+ava.ID.Short()+"@"+org.Short())},
			outcome{map[int]string{0: "near_miss"}, map[int]string{0: "near_miss"}},
			[]string{`has the alias "avap" where the user's alias is "ava"`}},
		{"NearMissCaseClash", match.Options{}, []routemap.User{hi, lo},
			[]routemap.Agent{agent("a", sso(lo))},
			outcome{map[int]string{0: "near_miss", 1: "ok:0"}, map[int]string{}},
			[]string{"in another letter case, and it is the agent of ava@acme.test (005Hs00000ABcDeIAL)"}},
		{"SharedAgentNoExactClaim", match.Options{}, []routemap.User{hi, lo},
			[]routemap.Agent{agent("a", strings.ToLower(sso(lo)))},
			outcome{map[int]string{0: "shared_agent", 1: "shared_agent"}, map[int]string{0: "shared_agent"}},
			[]string{"the one 2 members expect"}},
		{"SharedAgentSameEmail", match.Options{Strategy: match.StrategyEmail},
			[]routemap.User{ava, func() routemap.User { u := ben; u.Email = ava.Email; return u }()},
			[]routemap.Agent{{ID: "a", Username: "x", Email: ava.Email}},
			outcome{map[int]string{0: "shared_agent", 1: "shared_agent"}, map[int]string{0: "shared_agent"}},
			[]string{"give each rep an email of their own"}},
		{"Ambiguous", match.Options{}, []routemap.User{ava},
			[]routemap.Agent{agent("a1", sso(ava)), agent("a2", strings.ToUpper(sso(ava)))},
			outcome{map[int]string{0: "ambiguous"}, map[int]string{0: "ambiguous", 1: "ambiguous"}},
			[]string{"2 agents have the username", "(a1)", "(a2)"}},
		{"Inactive", match.Options{}, []routemap.User{inactive},
			[]routemap.Agent{agent("b", sso(ben))},
			outcome{map[int]string{0: "inactive"}, map[int]string{0: "inactive"}},
			[]string{"inactive in Salesforce", "still exists"}},
		{"InactiveWithoutAgent", match.Options{}, []routemap.User{inactive}, nil,
			outcome{map[int]string{0: "inactive"}, map[int]string{}}, nil},
		{"AliasApostrophe", match.Options{}, []routemap.User{apostrophe}, nil,
			outcome{map[int]string{0: "alias_invalid"}, map[int]string{}},
			[]string{`the alias "o'brien" has an apostrophe`, "cannot be provisioned"}},
		{"AliasSpace", match.Options{}, []routemap.User{space}, nil,
			outcome{map[int]string{0: "alias_invalid"}, map[int]string{}}, []string{"a space"}},
		{"AliasAccent", match.Options{}, []routemap.User{accent}, nil,
			outcome{map[int]string{0: "alias_invalid"}, map[int]string{}}, []string{"'ë' (a character with an accent"}},
		{"AliasEmpty", match.Options{}, []routemap.User{noAlias}, nil,
			outcome{map[int]string{0: "alias_invalid"}, map[int]string{}}, []string{"no alias"}},
		{"AliasIgnoredByGovernmentTemplate", match.Options{Template: mustTemplate(t, "government")}, []routemap.User{apostrophe},
			[]routemap.Agent{agent("x", apostrophe.ID.Short()+"@"+org.Short())},
			outcome{map[int]string{0: "ok:0"}, map[int]string{}}, nil},
		{"NoKeyEmail", match.Options{Strategy: match.StrategyEmail}, []routemap.User{noEmail}, nil,
			outcome{map[int]string{0: "no_key"}, map[int]string{}}, []string{"no email"}},
		{"NotMember", match.Options{CallCenterID: center}, []routemap.User{elsewhere},
			[]routemap.Agent{agent("b", sso(ben))},
			outcome{map[int]string{0: "not_member"}, map[int]string{0: "no_member"}},
			[]string{"a member of contact center 04vHs000000XyZbIAK, not 04vHs000000XyZaIAK"}},
		{"UsernameStrategy", match.Options{Strategy: match.StrategyUsername}, []routemap.User{ava, ben},
			[]routemap.Agent{{ID: "1", Username: "AVA@acme.test"}, {ID: "2", Username: ben.Email}, {ID: "3", Username: "ben"}},
			outcome{map[int]string{0: "ok:0:case", 1: "near_miss"}, map[int]string{1: "near_miss", 2: "no_member"}},
			[]string{"its username is the user's email"}},
		{"UsernameStrategyLocalPart", match.Options{Strategy: match.StrategyUsername}, []routemap.User{ben},
			[]routemap.Agent{{ID: "3", Username: "ben"}},
			outcome{map[int]string{0: "near_miss"}, map[int]string{0: "near_miss"}},
			[]string{"before the @"}},
		{"EmailStrategy", match.Options{Strategy: match.StrategyEmail}, []routemap.User{ava, ben},
			[]routemap.Agent{{ID: "1", Username: "a", Email: strings.ToUpper(ava.Email)}, {ID: "2", Username: ben.Email}},
			outcome{map[int]string{0: "ok:0:case", 1: "near_miss"}, map[int]string{1: "near_miss"}},
			[]string{"its email field is empty"}},
		{"LeftoverUserNotMember", match.Options{}, []routemap.User{ava},
			[]routemap.Agent{agent("a", sso(ava)), agent("x", "gone@005Hs0000000099@"+org.Short()), agent("q", "qa.tester")},
			outcome{map[int]string{0: "ok:0"}, map[int]string{1: "user_not_member", 2: "no_member"}},
			[]string{"names user 005Hs0000000099, who is not a member"}},
		{"LeftoverDuplicate", match.Options{}, []routemap.User{ava},
			[]routemap.Agent{agent("a", sso(ava)), agent("a18", "ava@"+string(ava.ID)+"@"+org.Short())},
			outcome{map[int]string{0: "ok:0"}, map[int]string{1: "duplicate"}},
			[]string{"who is matched to agent ava@005Hs0000000001@00DHs0000001aBc"}},
		{"LeftoverNoUsername", match.Options{}, nil, []routemap.Agent{{ID: "x"}},
			outcome{map[int]string{}, map[int]string{0: "no_member"}}, []string{"no username"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			if opts.OrgID.IsZero() {
				opts.OrgID = org
			}
			got, err := match.Match(tc.members, tc.agents, opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(got)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s\n%+v", diff, got)
			}
			var text strings.Builder
			for _, m := range got.Misses {
				text.WriteString(m.Message + "\n")
				if m.Expected == "" && m.Reason != match.ReasonNoKey && m.Reason != match.ReasonNotMember {
					t.Errorf("miss %+v names no expected username", m)
				}
			}
			for _, l := range got.Leftovers {
				text.WriteString(l.Message + "\n")
				if l.Message == "" {
					t.Errorf("leftover %+v has no message", l)
				}
			}
			for _, want := range tc.wantMessages {
				if !strings.Contains(text.String(), want) {
					t.Errorf("messages lack %q:\n%s", want, text.String())
				}
			}
		})
	}
}

func mustTemplate(t *testing.T, s string) match.Template {
	t.Helper()
	tm, err := match.ParseTemplate(s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestMatchNearMissAgentIsNamed(t *testing.T) {
	ava := rep(1, "ava")
	agents := []routemap.Agent{agent("a", "ava@"+string(ava.ID)+"@"+org.Short())}
	r, err := match.Match([]routemap.User{ava}, agents, match.Options{OrgID: org})
	if err != nil {
		t.Fatal(err)
	}
	want := []match.Miss{{Member: 0, Reason: match.ReasonNearMiss, Expected: sso(ava), Agents: []int{0},
		Message: "no agent has username ava@005Hs0000000001@00DHs0000001aBc, but agent ava@005Hs0000000001IAA@00DHs0000001aBc comes close: " +
			"its username uses the 18-character user id where the template has the 15-character one"}}
	if diff := cmp.Diff(want, r.Misses); diff != "" {
		t.Error(diff)
	}
	if got := r.Leftovers; len(got) != 1 || got[0].Member != 0 || got[0].UserID != string(ava.ID) {
		t.Errorf("leftovers %+v", got)
	}
}

func TestMatchErrors(t *testing.T) {
	for name, opts := range map[string]match.Options{
		"ErrOrgMissing":      {},
		"ErrUnknownStrategy": {Strategy: "guess", OrgID: org},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := match.Match(nil, nil, opts)
			if routemap.ErrorCode(err) != routemap.EINVALID {
				t.Fatalf("err %v", err)
			}
		})
	}
	// A template without the org needs no org id.
	if _, err := match.Match(nil, nil, match.Options{Template: mustTemplate(t, "{Alias}@acme")}); err != nil {
		t.Fatal(err)
	}
}

func TestParseTemplate(t *testing.T) {
	u := rep(1, "ava")
	tests := []struct {
		name, in, canonical, rendered string
	}{
		{"OKDefault", "", "{Alias}@{UserId15}@{OrgId15}", "ava@005Hs0000000001@00DHs0000001aBc"},
		{"OKGovernment", "government", "{UserId15}@{OrgId15}", "005Hs0000000001@00DHs0000001aBc"},
		{"OK18", "{UserId18}.{OrgId18}", "{UserId18}.{OrgId18}", "005Hs0000000001IAA.00DHs0000001aBcMAI"},
		{"OKFormula", "$User.Alias & '@' & $User.Id & '@' & $Organization.Id", "{Alias}@{UserId15}@{OrgId15}", "ava@005Hs0000000001@00DHs0000001aBc"},
		{"OKFormulaCaseSafe", `CASESAFEID($User.Id) & "@acme"`, "{UserId18}@acme", "005Hs0000000001IAA@acme"},
		{"OKFormulaEdgeSpaceDropped", "' ' & $User.Id & '' & '.x '", "{UserId15}.x", "005Hs0000000001.x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tm, err := match.ParseTemplate(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if tm.String() != tc.canonical || tm.Render(&u, org) != tc.rendered {
				t.Errorf("got %q rendering %q", tm.String(), tm.Render(&u, org))
			}
		})
	}
	for name, in := range map[string]string{
		"ErrUnknownPlaceholder": "{Alias}@{UserID}",
		"ErrUnclosed":           "{Alias@x",
		"ErrStrayBrace":         "Alias}@x",
		"ErrNoUser":             "{OrgId15}",
		"ErrFormulaTerm":        "$User.Email & '@'",
		"ErrFormulaBrace":       "'{' & $User.Alias",
		"ErrFormulaDollar":      "$User.Alias & '$'",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := match.ParseTemplate(in); routemap.ErrorCode(err) != routemap.EINVALID {
				t.Fatalf("err %v", err)
			}
		})
	}
	if (match.Template{}).String() != routemap.DefaultUsernameTemplate {
		t.Error("zero Template is not the default")
	}
}

func TestBadAliasChar(t *testing.T) {
	for alias, want := range map[string]rune{"ava": 0, "a.b-c_d9": 0, "o'b": '\'', "a b": ' ', "zoë": 'ë', "a@b": '@'} {
		r, bad := match.BadAliasChar(alias)
		if r != want || bad != (want != 0) {
			t.Errorf("%q: got %q %v", alias, r, bad)
		}
	}
}

// population returns n members and their agents in the default format,
// the agents in an order unrelated to the members' (Amazon Connect lists
// them by its own ids), made in that order as a decoder would make them.
func population(n int) ([]routemap.User, []routemap.Agent) {
	members := make([]routemap.User, n)
	for i := range members {
		members[i] = rep(i+1, fmt.Sprintf("r%06d", i))
	}
	order := rand.New(rand.NewPCG(1, 2)).Perm(n)
	agents := make([]routemap.Agent, n)
	for k, i := range order {
		agents[k] = agent(fmt.Sprintf("%08x-0000-4000-8000-000000000000", i), sso(members[i]))
	}
	return members, agents
}

func TestMatchAllocatesNothingPerMember(t *testing.T) {
	small, smallAgents := population(1000)
	big, bigAgents := population(20000)
	opts := match.Options{OrgID: org}
	a1 := testing.AllocsPerRun(5, func() { match.Match(small, smallAgents, opts) })
	a2 := testing.AllocsPerRun(5, func() { match.Match(big, bigAgents, opts) })
	// The index's map allocates its tables in blocks of about a thousand
	// slots; nothing else grows with the input.
	if a2-a1 > 19000/200 {
		t.Fatalf("allocations grow with members: %v for 1,000, %v for 20,000", a1, a2)
	}
	r, _ := match.Match(big, bigAgents, opts)
	if len(r.Pairs) != 20000 || len(r.Misses) != 0 || len(r.Leftovers) != 0 {
		t.Fatalf("%d pairs, %d misses, %d leftovers", len(r.Pairs), len(r.Misses), len(r.Leftovers))
	}
}

// BenchmarkMatchWithMisses is a contact center like the demo's: one rep
// in 25 has no agent, one in 50 an alias Amazon Connect refuses, and some
// agents belong to nobody, so that explaining misses is measured too.
func BenchmarkMatchWithMisses(b *testing.B) {
	const n = 20000
	members, all := population(n)
	var agents []routemap.Agent
	for _, a := range all {
		var i int
		fmt.Sscanf(a.ID, "%x", &i)
		switch {
		case i%25 == 12:
			continue
		case i%50 == 17:
			members[i].Alias = "o'n" + members[i].Alias[3:]
		}
		agents = append(agents, a)
	}
	agents = append(agents, agent("x1", "gone@005Hs0000099999@"+org.Short()), agent("x2", "qa.tester"))
	opts := match.Options{OrgID: org}
	r, _ := match.Match(members, agents, opts)
	b.Logf("%d pairs, %d misses, %d leftovers", len(r.Pairs), len(r.Misses), len(r.Leftovers))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := match.Match(members, agents, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "reps/s")
}

// BenchmarkMatch matches a million reps with their agents; reps/s is the
// figure docs/telephony.md quotes.
func BenchmarkMatch(b *testing.B) {
	for _, n := range []int{20000, 1000000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			members, agents := population(n)
			opts := match.Options{OrgID: org}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := match.Match(members, agents, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "reps/s")
		})
	}
}

// TestMatchIDsDifferingInCase: 15-character ids that differ only in
// letter case are different users, even though usernames compare
// ignoring case.
func TestMatchIDsDifferingInCase(t *testing.T) {
	lo, hi := rep(1, "ava"), rep(2, "ben")
	lo.ID, hi.ID = sfid.MustParse("005Hs00000ABcDe"), sfid.MustParse("005Hs00000ABcDE")
	agents := []routemap.Agent{agent("a", sso(lo))} // hi has no agent
	r, err := match.Match([]routemap.User{lo, hi}, agents, match.Options{OrgID: org})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcome{map[int]string{0: "ok:0", 1: "no_agent"}, map[int]string{}}, summarize(r)); diff != "" {
		t.Errorf("(-want +got):\n%s\n%+v", diff, r)
	}
}
