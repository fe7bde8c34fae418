package match

import (
	"fmt"
	"slices"
	"strings"

	"routemap"
	"routemap/sfid"
)

// Strategy says which agent belongs to a member.
type Strategy string

// The strategies.
const (
	// StrategySSO expects the agent whose username is the member's
	// rendering of the username template: the Amazon Connect user Service
	// Cloud Voice provisions, and the one SSO logs the rep in as.
	StrategySSO Strategy = "sso"
	// StrategyUsername expects the agent whose username is the member's
	// Salesforce username, the usual rule of partner telephony with SSO.
	StrategyUsername Strategy = "username"
	// StrategyEmail expects the agent whose email is the member's email.
	StrategyEmail Strategy = "email"
)

// ParseStrategy accepts "sso", "username" or "email". Errors: EINVALID.
func ParseStrategy(s string) (Strategy, error) {
	switch st := Strategy(strings.ToLower(strings.TrimSpace(s))); st {
	case StrategySSO, StrategyUsername, StrategyEmail:
		return st, nil
	}
	return "", routemap.Errorf(routemap.EINVALID, "unknown match strategy %q: use sso, username or email", s)
}

// Reason says why a member was not matched, or why an agent was left over.
// The values are stable; docs/telephony.md lists them.
type Reason string

// Reasons for members.
const (
	// ReasonNoAgent: no agent has the expected username (Miss.Expected).
	ReasonNoAgent Reason = "no_agent"
	// ReasonNearMiss: no agent has the expected username, but one comes
	// close (Miss.Agents[0]): it uses the 18-character id, an old alias,
	// another username format, or the same username in another letter
	// case that belongs to another member.
	ReasonNearMiss Reason = "near_miss"
	// ReasonAmbiguous: several agents have the expected username, ignoring
	// case; routemap cannot pick one.
	ReasonAmbiguous Reason = "ambiguous"
	// ReasonSharedAgent: the agent the member expects is also the one
	// other members expect (two members with the same email, say).
	ReasonSharedAgent Reason = "shared_agent"
	// ReasonInactive: the member's Salesforce user is inactive.
	ReasonInactive Reason = "inactive"
	// ReasonAliasInvalid: the username template uses the alias, and the
	// alias is empty or has a character Amazon Connect usernames do not
	// allow, so the rep's agent cannot have been provisioned.
	ReasonAliasInvalid Reason = "alias_invalid"
	// ReasonNoKey: the member has no username or email to match on.
	ReasonNoKey Reason = "no_key"
	// ReasonNotMember: the user is in another contact center, or in none.
	ReasonNotMember Reason = "not_member"
)

// Reasons for leftover agents (ReasonNearMiss, ReasonInactive,
// ReasonAmbiguous and ReasonSharedAgent apply to agents too, naming the
// member).
const (
	// ReasonNoMember: no member expects the agent.
	ReasonNoMember Reason = "no_member"
	// ReasonUserNotMember: the agent's username names a Salesforce user
	// who is not a member of the contact center (left it, or never joined).
	ReasonUserNotMember Reason = "user_not_member"
	// ReasonDuplicate: the agent's username names a member who is matched
	// to another agent.
	ReasonDuplicate Reason = "duplicate"
)

// Options configure Match.
type Options struct {
	// Strategy is how agents are found; default StrategySSO.
	Strategy Strategy
	// Template is the username template of StrategySSO; the zero Template
	// is routemap.DefaultUsernameTemplate.
	Template Template
	// OrgID is the org the members belong to, for templates with
	// {OrgId15} or {OrgId18}.
	OrgID sfid.ID
	// CallCenterID, when set, is the contact center being matched: members
	// whose CallCenterID differs get ReasonNotMember.
	CallCenterID sfid.ID
}

// Pair is a member and their agent, as indexes into Match's slices.
type Pair struct {
	Member int
	Agent  int
	// CaseDiffers reports that the agent's username equals the expected
	// one only ignoring letter case. Amazon Connect compares usernames
	// that way, so the pair stands.
	CaseDiffers bool
}

// Miss is a member without an agent.
type Miss struct {
	Member int
	Reason Reason
	// Expected is the username (or email) routemap looked for; empty when
	// it could not make one.
	Expected string
	// Agents are the agents involved: the near miss, the candidates, the
	// agent an inactive member would have.
	Agents []int
	// Message says what is wrong, in the admin's terms.
	Message string
}

// Leftover is an agent no member was matched to.
type Leftover struct {
	Agent  int
	Reason Reason
	// Member is the member the agent relates to (near miss, inactive,
	// duplicate, …), or -1.
	Member int
	// UserID is the Salesforce user the agent's username names, when it
	// names one (StrategySSO), member or not.
	UserID string
	// Message says why the agent is left over.
	Message string
}

// Result is the outcome of Match. Pairs and Misses are in member order,
// Leftovers in agent order.
type Result struct {
	Pairs     []Pair
	Misses    []Miss
	Leftovers []Leftover
}

// Match pairs members with agents. members and agents are not changed;
// the result refers to them by index. Errors: EINVALID for options that
// cannot work (an unknown strategy, a template with the org id and no
// OrgID).
func Match(members []routemap.User, agents []routemap.Agent, opts Options) (*Result, error) {
	if opts.Strategy == "" {
		opts.Strategy = StrategySSO
	}
	if _, err := ParseStrategy(string(opts.Strategy)); err != nil {
		return nil, err
	}
	opts.Template = opts.Template.orDefault()
	if opts.Strategy == StrategySSO && opts.Template.UsesOrg() && opts.OrgID.IsZero() {
		return nil, routemap.Errorf(routemap.EINVALID,
			"the username template %s uses the org id, and none was given", opts.Template)
	}
	m := &matcher{members: members, agents: agents, opts: opts, tmpl: opts.Template}
	m.indexAgents()
	m.run()
	return &m.res, nil
}

// matcher holds one run of Match.
type matcher struct {
	members []routemap.User
	agents  []routemap.Agent
	opts    Options
	tmpl    Template

	idx   agentIndex
	next  []int32 // next agent with the same folded key, -1 at the end
	owner []int32 // member paired with each agent, -1
	tag   map[int32]Leftover
	sink  int32 // keeps the loads that fetch table slots early

	buf, fold []byte
	res       Result
	misses    []int32 // members to explain, in order
	conflicts []Pair  // later claims on an agent already paired

	// Built on first need, off the happy path.
	byUser     map[string]int32   // 15-character user id named in an agent username → first agent
	namedNext  []int32            // next agent naming the same user, -1
	byUsername map[string][]int32 // folded username → agents (StrategyEmail near misses)
	memberByID map[string]int32   // 15-character id a leftover names → member, -1
	pairOf     []int32            // member → agent, -1
	variants   []variant
}

// agentKey is what the strategy compares on an agent.
func (m *matcher) agentKey(a *routemap.Agent) string {
	if m.opts.Strategy == StrategyEmail {
		return a.Email
	}
	return a.Username
}

// key renders the member's expected key into m.buf; false when the member
// has none.
func (m *matcher) key(u *routemap.User) bool {
	m.buf = m.buf[:0]
	switch m.opts.Strategy {
	case StrategySSO:
		if u.ID.IsZero() {
			return false
		}
		m.buf = m.tmpl.appendTo(m.buf, u, m.opts.OrgID)
	case StrategyUsername:
		m.buf = append(m.buf, trim(u.Username)...)
	case StrategyEmail:
		m.buf = append(m.buf, trim(u.Email)...)
	}
	return len(m.buf) > 0
}

func (m *matcher) run() {
	m.res.Pairs = make([]Pair, 0, len(m.members))
	m.pair()
	if len(m.conflicts) > 0 {
		m.resolveConflicts()
	}
	for _, i := range m.misses {
		m.explain(int(i))
	}
	if len(m.conflicts) > 0 {
		slices.SortStableFunc(m.res.Misses, func(a, b Miss) int { return a.Member - b.Member })
	}
	m.leftovers()
}

// resolveConflicts settles agents that several members expect: the one
// member whose username is the agent's exactly keeps it and the others
// are near misses; without a single exact claimant, nobody gets it.
func (m *matcher) resolveConflicts() {
	byAgent := map[int][]Pair{}
	for _, p := range m.conflicts {
		byAgent[p.Agent] = append(byAgent[p.Agent], p)
	}
	keep := m.res.Pairs[:0]
	for _, p := range m.res.Pairs {
		others, ok := byAgent[p.Agent]
		if !ok {
			keep = append(keep, p)
			continue
		}
		all := append([]Pair{p}, others...)
		var exact []Pair
		for _, c := range all {
			if !c.CaseDiffers {
				exact = append(exact, c)
			}
		}
		if len(exact) == 1 {
			keep = append(keep, exact[0])
			m.owner[p.Agent] = int32(exact[0].Member)
			for _, c := range all {
				if c.Member != exact[0].Member {
					m.res.Misses = append(m.res.Misses, m.caseClash(c, exact[0].Member))
				}
			}
			continue
		}
		m.owner[p.Agent] = -1
		members := make([]int, len(all))
		for k, c := range all {
			members[k] = c.Member
		}
		for _, c := range all {
			m.res.Misses = append(m.res.Misses, m.shared(c, members))
		}
		m.setTag(p.Agent, Leftover{Reason: ReasonSharedAgent, Member: all[0].Member,
			Message: fmt.Sprintf("%d members expect this agent (%s); none can have it until each has an agent of their own", len(all), m.memberList(members))})
	}
	m.res.Pairs = keep
}

func (m *matcher) caseClash(c Pair, winner int) Miss {
	a := &m.agents[c.Agent]
	u := &m.members[c.Member]
	m.key(u)
	return Miss{Member: c.Member, Reason: ReasonNearMiss, Expected: string(m.buf), Agents: []int{c.Agent},
		Message: fmt.Sprintf("no agent has username %s; agent %s has it in another letter case, and it is the agent of %s, whose username it is exactly "+
			"(Amazon Connect compares usernames ignoring case, so the two reps' usernames collide)",
			m.buf, m.agentKey(a), m.memberName(winner))}
}

func (m *matcher) shared(c Pair, members []int) Miss {
	u := &m.members[c.Member]
	m.key(u)
	what := "a username"
	if m.opts.Strategy == StrategyEmail {
		what = "an email"
	}
	return Miss{Member: c.Member, Reason: ReasonSharedAgent, Expected: string(m.buf), Agents: []int{c.Agent},
		Message: fmt.Sprintf("agent %s is the one %d members expect (%s); an agent belongs to one rep, so give each rep %s of their own",
			m.agentKey(&m.agents[c.Agent]), len(members), m.memberList(members), what)}
}

// explain finds out why member i has no agent.
func (m *matcher) explain(i int) {
	u := &m.members[i]
	miss := Miss{Member: i}
	switch {
	case !m.opts.CallCenterID.IsZero() && u.CallCenterID != m.opts.CallCenterID:
		miss.Reason = ReasonNotMember
		if u.CallCenterID.IsZero() {
			miss.Message = "the user is in no contact center; add them to " + string(m.opts.CallCenterID) + " first"
		} else {
			miss.Message = fmt.Sprintf("the user is a member of contact center %s, not %s", u.CallCenterID, m.opts.CallCenterID)
		}
		m.res.Misses = append(m.res.Misses, miss)
		return
	}
	if !m.key(u) {
		miss.Reason = ReasonNoKey
		switch m.opts.Strategy {
		case StrategyUsername:
			miss.Message = "the user has no username to match an agent on"
		case StrategyEmail:
			miss.Message = "the user has no email to match an agent's email on"
		default:
			miss.Message = "the user has no id to render the username template with"
		}
		m.res.Misses = append(m.res.Misses, miss)
		return
	}
	miss.Expected = string(m.buf)
	j := m.lookup(m.buf)
	if !u.IsActive {
		miss.Reason = ReasonInactive
		miss.Message = "the user is inactive in Salesforce; inactive users take no calls"
		if j >= 0 && m.owner[j] < 0 {
			miss.Agents = []int{int(j)}
			miss.Message += fmt.Sprintf(", but agent %s still exists (deactivating a Salesforce user does not deactivate the telephony user)", m.agentKey(&m.agents[j]))
			m.setTag(int(j), Leftover{Reason: ReasonInactive, Member: i, Message: "the agent of " + m.memberName(i) + ", who is inactive in Salesforce"})
		}
		m.res.Misses = append(m.res.Misses, miss)
		return
	}
	if j >= 0 {
		// Several agents share the key (run skips a single one).
		for k := j; k >= 0; k = m.next[k] {
			miss.Agents = append(miss.Agents, int(k))
			m.setTag(int(k), Leftover{Reason: ReasonAmbiguous, Member: i, Message: "one of several agents with the username " + miss.Expected + " that " + m.memberName(i) + " expects"})
		}
		miss.Reason = ReasonAmbiguous
		names := make([]string, len(miss.Agents))
		for k, a := range miss.Agents {
			names[k] = m.agentLabel(a)
		}
		miss.Message = fmt.Sprintf("%d agents have the username %s, ignoring case (%s); keep one", len(miss.Agents), miss.Expected, strings.Join(names, ", "))
		m.res.Misses = append(m.res.Misses, miss)
		return
	}
	if a, how, ok := m.nearMiss(i); ok {
		miss.Reason = ReasonNearMiss
		miss.Agents = []int{a}
		miss.Message = fmt.Sprintf("no agent has username %s, but agent %s comes close: %s", miss.Expected, m.agentKey(&m.agents[a]), how)
		m.setTag(a, Leftover{Reason: ReasonNearMiss, Member: i, Message: "a near miss for " + m.memberName(i) + ", who expects " + miss.Expected + ": " + how})
		m.res.Misses = append(m.res.Misses, miss)
		return
	}
	if m.opts.Strategy == StrategySSO && m.tmpl.UsesAlias() {
		if u.Alias == "" {
			miss.Reason = ReasonAliasInvalid
			miss.Message = "the user has no alias, and the username template " + m.tmpl.String() + " starts from it"
			m.res.Misses = append(m.res.Misses, miss)
			return
		}
		if r, bad := BadAliasChar(u.Alias); bad {
			miss.Reason = ReasonAliasInvalid
			miss.Message = fmt.Sprintf("the alias %q has %s, which Amazon Connect usernames do not allow (only a-z A-Z 0-9 _ - .), so the rep's agent %s cannot be provisioned",
				u.Alias, describeRune(r), miss.Expected)
			m.res.Misses = append(m.res.Misses, miss)
			return
		}
	}
	miss.Reason = ReasonNoAgent
	switch m.opts.Strategy {
	case StrategyEmail:
		miss.Message = "no agent has the email " + miss.Expected
	default:
		miss.Message = "no agent has username " + miss.Expected
	}
	m.res.Misses = append(m.res.Misses, miss)
}

func describeRune(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r == '\'':
		return "an apostrophe"
	case r > 127:
		return fmt.Sprintf("%q (a character with an accent or outside ASCII)", r)
	}
	return fmt.Sprintf("%q", r)
}

// variant is another rendering of the template that SCV or an admin may
// have used for a rep's agent.
type variant struct {
	t   Template
	how string
}

func (m *matcher) templateVariants() []variant {
	if m.variants != nil {
		return m.variants
	}
	t := m.tmpl
	vs := []variant{}
	add := func(v Template, how string) {
		if v.String() != t.String() {
			for _, o := range vs {
				if o.t.String() == v.String() {
					return
				}
			}
			vs = append(vs, variant{v, how})
		}
	}
	switch {
	case t.uses(phUserID15) && t.uses(phOrgID15):
		add(t.with(phUserID15, phUserID18), "its username uses the 18-character user id where the template has the 15-character one")
		add(t.with(phOrgID15, phOrgID18), "its username uses the 18-character org id where the template has the 15-character one")
		add(t.with(phUserID15, phUserID18).with(phOrgID15, phOrgID18), "its username uses the 18-character user and org ids where the template has the 15-character ones")
	case t.uses(phUserID15):
		add(t.with(phUserID15, phUserID18), "its username uses the 18-character user id where the template has the 15-character one")
	case t.uses(phUserID18):
		add(t.with(phUserID18, phUserID15), "its username uses the 15-character user id where the template has the 18-character one")
	}
	if t.uses(phOrgID18) && !t.uses(phOrgID15) {
		add(t.with(phOrgID18, phOrgID15), "its username uses the 15-character org id where the template has the 18-character one")
	}
	gov, _ := ParseTemplate(GovernmentUsernameTemplate)
	def, _ := ParseTemplate(routemap.DefaultUsernameTemplate)
	add(gov, "its username is in the government format "+GovernmentUsernameTemplate+", not "+t.String())
	add(def, "its username is in the default format "+routemap.DefaultUsernameTemplate+", not "+t.String())
	m.variants = vs
	return vs
}

// nearMiss looks for an agent that is almost the member's.
func (m *matcher) nearMiss(i int) (int, string, bool) {
	u := &m.members[i]
	free := func(j int32) bool { return j >= 0 && m.owner[j] < 0 && m.next[j] < 0 }
	switch m.opts.Strategy {
	case StrategySSO:
		var b []byte
		for _, v := range m.templateVariants() {
			if v.t.UsesOrg() && m.opts.OrgID.IsZero() {
				continue
			}
			b = v.t.appendTo(b[:0], u, m.opts.OrgID)
			if j := m.lookup(b); free(j) {
				return int(j), v.how, true
			}
		}
		for _, j := range m.agentsNaming(u.ID) {
			if m.owner[j] < 0 {
				return int(j), m.differs(u, m.agents[j].Username), true
			}
		}
	case StrategyUsername:
		if e := strings.TrimSpace(u.Email); e != "" && !strings.EqualFold(e, u.Username) {
			if j := m.lookup([]byte(e)); free(j) {
				return int(j), "its username is the user's email " + e + ", not the Salesforce username", true
			}
		}
		if local, _, ok := strings.Cut(u.Username, "@"); ok && local != "" {
			if j := m.lookup([]byte(local)); free(j) {
				return int(j), "its username is the part of the Salesforce username before the @", true
			}
		}
	case StrategyEmail:
		if e := strings.TrimSpace(u.Email); e != "" {
			for _, j := range m.usernameIndex()[foldString(e)] {
				if m.owner[j] < 0 {
					return int(j), "its username is the user's email, but its email field is " + quoteOrEmpty(m.agents[j].Email), true
				}
			}
		}
	}
	return 0, "", false
}

func quoteOrEmpty(s string) string {
	if s == "" {
		return "empty"
	}
	return s
}

// differs says how an agent username that names the member differs from
// the template's.
func (m *matcher) differs(u *routemap.User, username string) string {
	want := m.tmpl.Render(u, m.opts.OrgID)
	if m.tmpl.UsesAlias() {
		wp := strings.Split(want, "@")
		gp := strings.Split(username, "@")
		if len(wp) == len(gp) && len(wp) > 1 && strings.EqualFold(strings.Join(wp[1:], "@"), strings.Join(gp[1:], "@")) && !strings.EqualFold(wp[0], gp[0]) {
			return fmt.Sprintf("its username has the alias %q where the user's alias is %q (was the alias changed after the agent was made?)", gp[0], u.Alias)
		}
	}
	return "its username names this user but is not in the template's format " + m.tmpl.String()
}

// agentsNaming returns the unpaired agents whose username has the user's
// id as an @-separated part (15 or 18 characters). Ids compare exactly:
// two 15-character ids that differ only in letter case are two users. It
// runs after pairing, so the index holds only the few agents left.
func (m *matcher) agentsNaming(id sfid.ID) []int32 {
	if m.byUser == nil {
		// Only agents nobody is paired with can be near misses.
		m.byUser = map[string]int32{}
		for j := range m.agents {
			if m.owner[j] >= 0 {
				continue
			}
			uid := namedUser(m.agents[j].Username)
			if uid == "" {
				continue
			}
			if first, ok := m.byUser[uid[:15]]; ok {
				if m.namedNext == nil {
					m.namedNext = make([]int32, len(m.agents))
					for k := range m.namedNext {
						m.namedNext[k] = -1
					}
				}
				for m.namedNext[first] >= 0 {
					first = m.namedNext[first]
				}
				m.namedNext[first] = int32(j)
				continue
			}
			m.byUser[uid[:15]] = int32(j)
		}
	}
	if id.IsZero() {
		return nil
	}
	j, ok := m.byUser[id.Short()]
	if !ok {
		return nil
	}
	out := []int32{j}
	for m.namedNext != nil && m.namedNext[j] >= 0 {
		j = m.namedNext[j]
		out = append(out, j)
	}
	return out
}

// namedUser returns the user id (15 or 18 characters, starting 005) that
// an @-separated part of username holds, or "".
func namedUser(username string) string {
	for start := 0; start < len(username); {
		end := strings.IndexByte(username[start:], '@')
		if end < 0 {
			end = len(username)
		} else {
			end += start
		}
		if part := username[start:end]; (len(part) == 15 || len(part) == 18) && strings.HasPrefix(part, "005") && isAlnum(part) {
			return part
		}
		start = end + 1
	}
	return ""
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func (m *matcher) usernameIndex() map[string][]int32 {
	if m.byUsername == nil {
		m.byUsername = map[string][]int32{}
		for j := range m.agents {
			if u := strings.TrimSpace(m.agents[j].Username); u != "" {
				k := foldString(u)
				m.byUsername[k] = append(m.byUsername[k], int32(j))
			}
		}
	}
	return m.byUsername
}

func (m *matcher) setTag(agent int, l Leftover) {
	if m.tag == nil {
		m.tag = map[int32]Leftover{}
	}
	if _, ok := m.tag[int32(agent)]; !ok {
		m.tag[int32(agent)] = l
	}
}

// leftovers lists the agents no member was paired with.
func (m *matcher) leftovers() {
	// The members the leftovers' usernames name: a small map of those ids,
	// filled by one pass over the members.
	m.memberByID = map[string]int32{}
	for j := range m.agents {
		if m.owner[j] < 0 {
			if uid := namedUser(m.agents[j].Username); uid != "" {
				m.memberByID[uid[:15]] = -1
			}
		}
	}
	if len(m.memberByID) > 0 {
		for i := range m.members {
			if s := m.members[i].ID.Short(); s != "" {
				if _, ok := m.memberByID[s]; ok {
					m.memberByID[s] = int32(i)
				}
			}
		}
	}
	for j := range m.agents {
		if m.owner[j] >= 0 {
			continue
		}
		a := &m.agents[j]
		l := Leftover{Agent: j, Member: -1}
		if t, ok := m.tag[int32(j)]; ok {
			l.Reason, l.Member, l.Message = t.Reason, t.Member, t.Message
		}
		if uid := namedUser(a.Username); uid != "" {
			l.UserID = uid
		}
		if l.Reason == "" {
			m.explainLeftover(&l)
		}
		m.res.Leftovers = append(m.res.Leftovers, l)
	}
}

func (m *matcher) explainLeftover(l *Leftover) {
	a := &m.agents[l.Agent]
	if strings.TrimSpace(m.agentKey(a)) == "" {
		l.Reason = ReasonNoMember
		if m.opts.Strategy == StrategyEmail {
			l.Message = "the agent has no email to match on"
		} else {
			l.Message = "the agent has no username"
		}
		return
	}
	if m.opts.Strategy == StrategySSO && l.UserID != "" {
		if i, ok := m.memberNamed(l.UserID); ok {
			l.Member = i
			if p := m.pairedAgent(i); p >= 0 {
				l.Reason = ReasonDuplicate
				l.Message = fmt.Sprintf("its username names %s, who is matched to agent %s", m.memberName(i), m.agentKey(&m.agents[p]))
				return
			}
			l.Reason = ReasonNoMember
			l.Message = fmt.Sprintf("its username names %s, who is not matched to it", m.memberName(i))
			return
		}
		l.Reason = ReasonUserNotMember
		l.Message = "its username names user " + l.UserID + ", who is not a member of the contact center (left it, never joined, or belongs to another org)"
		return
	}
	l.Reason = ReasonNoMember
	switch m.opts.Strategy {
	case StrategyEmail:
		l.Message = "no member of the contact center has the email " + a.Email
	case StrategyUsername:
		l.Message = "no member of the contact center has the username " + a.Username
	default:
		l.Message = "no member's username renders to " + a.Username
	}
}

// memberNamed finds the member with a 15- or 18-character id, among the
// ids leftovers name (see leftovers).
func (m *matcher) memberNamed(id string) (int, bool) {
	i, ok := m.memberByID[id[:15]]
	return int(i), ok && i >= 0
}

func (m *matcher) pairedAgent(member int) int {
	if m.pairOf == nil {
		m.pairOf = make([]int32, len(m.members))
		for i := range m.pairOf {
			m.pairOf[i] = -1
		}
		for _, p := range m.res.Pairs {
			m.pairOf[p.Member] = int32(p.Agent)
		}
	}
	return int(m.pairOf[member])
}

func (m *matcher) memberName(i int) string {
	u := &m.members[i]
	s := string(u.ID)
	if u.Username != "" {
		s = u.Username + " (" + s + ")"
	}
	return s
}

func (m *matcher) memberList(members []int) string {
	names := make([]string, len(members))
	for k, i := range members {
		names[k] = m.memberName(i)
	}
	return strings.Join(names, ", ")
}

func (m *matcher) agentLabel(j int) string {
	a := &m.agents[j]
	if a.ID != "" {
		return m.agentKey(a) + " (" + a.ID + ")"
	}
	return m.agentKey(a)
}

// foldString lower-cases the ASCII letters of s, without allocating when
// there are none.
func foldString(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return string(foldBytes(make([]byte, 0, len(s)), []byte(s)))
		}
	}
	return s
}

// foldBytes appends b with ASCII letters lower-cased to dst.
func foldBytes(dst, b []byte) []byte {
	n := len(dst)
	dst = append(dst, b...)
	for i, c := range dst[n:] {
		if c-'A' < 26 {
			dst[n+i] = c + 'a' - 'A'
		}
	}
	return dst
}
