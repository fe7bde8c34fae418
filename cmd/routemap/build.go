package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"routemap"
	"routemap/csv"
	"routemap/match"
	"routemap/salesforce"
	"routemap/sfid"
)

type buildOptions struct {
	Org          orgFlags
	Agents       agentFlags
	CallCenter   string
	Users        string
	OrgID        string
	OnlyUnmapped bool
	Output       string
	Report       string
}

// buildColumns are the six fields of a routing map, as the help article
// lists them.
var buildColumns = []string{routemap.FieldExternalID, routemap.FieldReferenceRecordID, routemap.FieldCallCenterID,
	routemap.FieldDeveloperName, routemap.FieldMasterLabel, routemap.FieldQuickConnect}

func (m *Main) buildCommand() *cobra.Command {
	var o buildOptions
	c := &cobra.Command{
		Use:   "build --call-center ID [--target ORG | --users users.csv] [--connect-instance ARN | --agents agents.csv | --partner-url URL] [-o map.csv]",
		Short: "Build a contact center's routing-map CSV by matching its members to telephony agents",
		Long: `build reads the members of a contact center (from the org, or from a users CSV
exported with sf data query or Data Loader), reads the agents of the telephony
system (Amazon Connect through the AWS SDK, a partner directory, or a file),
matches each member to their agent, and writes the routing-map CSV the help
article describes: ExternalId (the agent ARN, or the partner username),
ReferenceRecordId, CallCenterId, DeveloperName User_<user>_<contact center>,
MasterLabel and QuickConnect, with 18-character ids. The file passes
routemap validate and goes into the org with routemap import. build writes
nothing to the org.

Matching (--match): sso renders the contact center's username template
({Alias}@{UserId15}@{OrgId15} unless the org or --template says otherwise;
"government" is {UserId15}@{OrgId15}) and finds the agent with that username,
ignoring case as Amazon Connect does; username matches the Salesforce
username; email the email. Every member left unmatched and every agent left
over is reported on stderr with the reason (no agent, an agent using the
18-character id, a changed alias, an alias Amazon Connect refuses, an
inactive user, two candidates, …) and the fix; --report writes the same as
JSON.

Amazon Connect is read with the standard AWS configuration (profiles,
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_CONNECT, …): two
paged listings and one DescribeQuickConnect per quick connect, cached between
runs in the user cache directory, at --connect-rate requests a second.

Exit status: 0 every member matched, 1 some did not (the CSV is still
written), 2 usage, 3 the org, AWS or the partner refused the credentials or
could not be reached.`,
		Example: `  routemap build --call-center 04vRm0000000001IAA -o map.csv
  routemap build --target prod --call-center 04v… --connect-instance arn:aws:connect:us-west-2:111122223333:instance/… -o map.csv --report report.json
  routemap build --users users.csv --org-id 00D… --call-center 04v… --agents agents.csv -o map.csv
  routemap build --target prod --call-center 04v… --partner-url https://telephony.example.com/routemap/v1 --only-unmapped -o new.csv`,
		Args: positional(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error { return m.runBuild(c.Context(), o) },
	}
	o.Org.register(c)
	o.Agents.register(c)
	f := c.Flags()
	f.StringVar(&o.CallCenter, "call-center", "", "contact center (04v…) whose members to map")
	f.StringVar(&o.Users, "users", "", "read the members from a users CSV (Id, Username, Alias, Email, IsActive, CallCenterId) rather than the org")
	f.StringVar(&o.OrgID, "org-id", "", "org id (00D…) for the username template, with --users")
	f.BoolVar(&o.OnlyUnmapped, "only-unmapped", false, "write rows only for members without a routing map yet (reads the org's maps)")
	f.StringVarP(&o.Output, "output", "o", "-", "routing-map CSV to write, - for standard output")
	f.StringVar(&o.Report, "report", "", "write the report as JSON to this file")
	return c
}

// newSession checks the agent source flags and the contact center id, and
// starts a session for them.
func newSession(agents agentFlags, callCenter string) (*session, error) {
	if err := agents.check(); err != nil {
		return nil, err
	}
	center, err := parseCallCenter(callCenter)
	if err != nil {
		return nil, err
	}
	return &session{center: center, timings: map[string]time.Duration{}}, nil
}

// session is what build and audit read before they decide anything.
type session struct {
	center      sfid.ID
	cc          *routemap.CallCenter
	org         sfid.ID
	client      *salesforce.Client // nil with --users and no need for the org
	membersFrom string
	members     []routemap.User
	elsewhere   int
	src         *agentSource
	info        routemap.DirectoryInfo
	agents      []routemap.Agent
	strategy    match.Strategy
	tmpl        match.Template
	tmplFrom    string
	timings     map[string]time.Duration
}

func (s *session) time(step string, start time.Time) { s.timings[step] += time.Since(start) }

// loadOrg connects to the org and reads the contact center and org id.
func (m *Main) loadOrg(ctx context.Context, s *session, f orgFlags) error {
	c, target, err := m.client(ctx, f)
	if err != nil {
		return err
	}
	s.client = c
	if s.cc, err = c.CallCenter(ctx, s.center); err != nil {
		if routemap.ErrorCode(err) == routemap.ENOTFOUND {
			return usageErrorf("--call-center: %w", err)
		}
		return orgErr(fmt.Errorf("read contact center %s: %w", s.center, err))
	}
	if s.org, err = c.OrgID(ctx); err != nil {
		return orgErr(fmt.Errorf("read the org id: %w", err))
	}
	s.membersFrom = "the org " + target
	return nil
}

// loadAgents opens the agent source and lists the agents.
func (m *Main) loadAgents(ctx context.Context, s *session, f agentFlags) error {
	start := time.Now()
	defer s.time("agents", start)
	src, err := m.openAgents(ctx, f, s.cc)
	if err != nil {
		return err
	}
	if src == nil {
		return nil
	}
	s.src, s.info = src, src.dir.Info()
	if err := checkInstance(s); err != nil {
		return err
	}
	if s.agents, err = src.dir.Agents(ctx); err != nil {
		return sourceErr(fmt.Errorf("read agents: %w", err))
	}
	s.strategy = strategyFor(f.Match, s.info)
	return nil
}

func (m *Main) runBuild(ctx context.Context, o buildOptions) error {
	s, err := newSession(o.Agents, o.CallCenter)
	if err != nil {
		return err
	}
	start := time.Now()
	if o.Users != "" {
		if o.OrgID != "" {
			if s.org, err = sfid.Parse(o.OrgID); err != nil || s.org.Prefix() != sfid.PrefixOrganization {
				return usageErrorf("--org-id: %q is not an org id (those start with 00D)", o.OrgID)
			}
		}
		uf, err := readUsersCSV(o.Users, s.center)
		if err != nil {
			return err
		}
		s.members, s.elsewhere, s.membersFrom = uf.members, uf.elsewhere, o.Users
		s.cc = &routemap.CallCenter{ID: s.center}
		if o.OnlyUnmapped {
			if s.client, _, err = m.client(ctx, o.Org); err != nil {
				return err
			}
		}
	} else {
		if o.OrgID != "" {
			return usageErrorf("--org-id goes with --users; the org says its own id")
		}
		if err := m.loadOrg(ctx, s, o.Org); err != nil {
			return err
		}
		if s.members, err = readMembers(ctx, s.client, s.center); err != nil {
			return err
		}
	}
	s.time("members", start)
	if s.tmpl, s.tmplFrom, err = templateFor(o.Agents.Template, s.cc); err != nil {
		return err
	}
	if err := m.loadAgents(ctx, s, o.Agents); err != nil {
		return err
	}
	if s.src == nil {
		return usageErrorf("say where the agents are: --connect-instance ARN, --agents FILE or --partner-url URL (contact center %s names no Amazon Connect instance)", s.center)
	}
	if s.strategy == match.StrategySSO && s.tmpl.UsesOrg() && s.org.IsZero() {
		return usageErrorf("the username template %s uses the org id: give --org-id with --users", s.tmpl)
	}

	// Members that already have a map, with --only-unmapped.
	members := s.members
	mappedExt := map[string]bool{}
	alreadyMapped := 0
	if o.OnlyUnmapped {
		mapped := map[sfid.ID]bool{}
		start := time.Now()
		err := s.client.RoutingMaps(ctx, s.center, func(rm routemap.RoutingMap) error {
			if rm.IsUserMap() {
				mapped[rm.ReferenceRecordID] = true
				mappedExt[foldExternalID(rm.ExternalID)] = true
			}
			return nil
		})
		if err != nil {
			return orgErr(fmt.Errorf("read the routing maps of contact center %s: %w", s.center, err))
		}
		s.time("maps", start)
		members = slices.DeleteFunc(slices.Clone(members), func(u routemap.User) bool { return mapped[u.ID] })
		alreadyMapped = len(s.members) - len(members)
	}

	start = time.Now()
	res, err := match.Match(members, s.agents, match.Options{Strategy: s.strategy, Template: s.tmpl, OrgID: s.org, CallCenterID: s.center})
	if err != nil {
		return usageErrorf("%w", err)
	}
	matchTime := time.Since(start)
	s.time("match", start)
	if o.OnlyUnmapped {
		res.Leftovers = slices.DeleteFunc(res.Leftovers, func(l match.Leftover) bool {
			return mappedExt[foldExternalID(s.agents[l.Agent].ExternalID())]
		})
	}

	start = time.Now()
	rows, invalid := buildRows(s, members, res)
	if err := m.writeMap(o.Output, rows); err != nil {
		return err
	}
	s.time("write", start)

	rep := newBuildReport(s, o, members, res, invalid, len(rows), alreadyMapped, matchTime)
	m.printBuildReport(rep)
	if o.Report != "" {
		if err := writeJSONFile(o.Report, rep, 0o644); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
	}
	if len(rep.Unmatched) > 0 {
		return failed()
	}
	return nil
}

// checkInstance refuses agents of an Amazon Connect instance other than
// the contact center's: their ARNs would not import.
func checkInstance(s *session) error {
	want, err1 := routemap.ParseConnectARN(s.cc.ConnectInstanceARN)
	got, err2 := routemap.ParseConnectARN(s.info.InstanceARN)
	if err1 != nil || err2 != nil || want.SameInstance(got) {
		return nil
	}
	return usageErrorf("contact center %s uses Amazon Connect instance %s, but the agents come from %s; their ARNs would not import (give the contact center's instance, or none)",
		s.center, want.Instance(), got.Instance())
}

// foldExternalID is an ExternalId as compared: ARNs exactly, usernames
// ignoring case.
func foldExternalID(s string) string {
	if strings.HasPrefix(s, "arn:") {
		return s
	}
	return strings.ToLower(s)
}

// buildRows makes a routing map for each pair, checked with the record
// rules; pairs whose map breaks a rule come back as invalid misses.
func buildRows(s *session, members []routemap.User, res *match.Result) ([]routemap.RoutingMap, []match.Miss) {
	rules := routemap.Rules{Provider: s.info.Provider, CallCenterID: s.center}
	for _, arn := range []string{s.cc.ConnectInstanceARN, s.info.InstanceARN} {
		if a, err := routemap.ParseConnectARN(arn); err == nil && rules.Instance.InstanceID == "" {
			rules.Instance = a.Instance()
		}
	}
	pairs := slices.Clone(res.Pairs)
	slices.SortFunc(pairs, func(a, b match.Pair) int {
		return strings.Compare(string(members[a.Member].ID), string(members[b.Member].ID))
	})
	x := routemap.NewCrossCheck(rules.Provider)
	x.Reserve(len(pairs))
	rows := make([]routemap.RoutingMap, 0, len(pairs))
	var invalid []match.Miss
	for i, p := range pairs {
		u, a := &members[p.Member], &s.agents[p.Agent]
		rm := routemap.RoutingMap{
			ExternalID:        a.ExternalID(),
			ReferenceRecordID: u.ID,
			CallCenterID:      s.center,
			DeveloperName:     routemap.DeveloperNameFor(u.ID, s.center),
			MasterLabel:       routemap.MasterLabelFor(u.ID),
		}
		if a.ARN != "" {
			rm.QuickConnect = a.QuickConnectID
		}
		checked := rm.Draft().Check(rules)
		problems := append(checked.Problems, x.Add(i+2, &checked.Map)...)
		if len(problems) > 0 {
			msgs := make([]string, len(problems))
			for k, pr := range problems {
				msgs[k] = pr.Code + ": " + pr.Message
			}
			invalid = append(invalid, match.Miss{Member: p.Member, Reason: reasonInvalidRow, Agents: []int{p.Agent},
				Message: "the routing map for agent " + a.Username + " breaks a rule: " + strings.Join(msgs, "; ")})
			continue
		}
		rows = append(rows, rm)
	}
	return rows, invalid
}

// reasonInvalidRow is a member whose agent was found but whose routing
// map would break a record rule (an agent of another instance, say).
const reasonInvalidRow match.Reason = "invalid_row"

// writeMap writes the routing-map CSV to path ("-": standard output),
// atomically for a file.
func (m *Main) writeMap(path string, rows []routemap.RoutingMap) error {
	var w io.Writer = m.Stdout
	var fw *fixWriter
	if path != "-" {
		var err error
		if fw, err = newFixWriter(path); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		defer fw.Abort()
		w = fw.tmp
	}
	enc := csv.NewEncoder(w, ',', false)
	enc.Write(buildColumns)
	for _, rm := range rows {
		enc.Write([]string{rm.ExternalID, string(rm.ReferenceRecordID), string(rm.CallCenterID), rm.DeveloperName, rm.MasterLabel, rm.QuickConnect})
	}
	if err := enc.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if fw != nil {
		fw.enc = enc
		return fw.Commit()
	}
	return nil
}

// buildReport is the report build prints and writes with --report.
type buildReport struct {
	CallCenterID   string           `json:"call_center_id"`
	CallCenterName string           `json:"call_center_name,omitempty"`
	OrgID          string           `json:"org_id,omitempty"`
	MembersFrom    string           `json:"members_from"`
	AgentsFrom     string           `json:"agents_from"`
	Provider       string           `json:"provider"`
	Match          string           `json:"match"`
	Template       string           `json:"template,omitempty"`
	TemplateFrom   string           `json:"template_from,omitempty"`
	Output         string           `json:"output"`
	Counts         buildCounts      `json:"counts"`
	Unmatched      []memberReport   `json:"unmatched"`
	Leftovers      []agentReport    `json:"leftover_agents"`
	Notes          []string         `json:"notes,omitempty"`
	Requests       map[string]int   `json:"requests,omitempty"`
	TimingsMS      map[string]int64 `json:"timings_ms"`
	MatchRate      float64          `json:"match_reps_per_second"`
}

type buildCounts struct {
	Members       int `json:"members"`
	AlreadyMapped int `json:"already_mapped,omitempty"`
	Matched       int `json:"matched"`
	Unmatched     int `json:"unmatched"`
	Rows          int `json:"rows"`
	Agents        int `json:"agents"`
	Leftovers     int `json:"leftover_agents"`
	// Elsewhere counts users of a --users file who are in another
	// contact center or none.
	Elsewhere int `json:"users_not_in_contact_center,omitempty"`
}

type memberReport struct {
	UserID   string     `json:"user_id"`
	Username string     `json:"username,omitempty"`
	Alias    string     `json:"alias,omitempty"`
	Name     string     `json:"name,omitempty"`
	Reason   string     `json:"reason"`
	Message  string     `json:"message"`
	Expected string     `json:"expected,omitempty"`
	Agents   []agentRef `json:"agents,omitempty"`
	Fix      string     `json:"fix"`
}

type agentRef struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	ARN      string `json:"arn,omitempty"`
}

type agentReport struct {
	agentRef
	Reason  string `json:"reason"`
	Message string `json:"message"`
	UserID  string `json:"user_id,omitempty"`
	Fix     string `json:"fix"`
}

func refOf(a *routemap.Agent) agentRef { return agentRef{ID: a.ID, Username: a.Username, ARN: a.ARN} }

func newBuildReport(s *session, o buildOptions, members []routemap.User, res *match.Result, invalid []match.Miss, rows, alreadyMapped int, matchTime time.Duration) *buildReport {
	r := &buildReport{
		CallCenterID: string(s.center), CallCenterName: s.cc.Name, OrgID: string(s.org),
		MembersFrom: s.membersFrom, AgentsFrom: s.info.Source, Provider: string(s.info.Provider),
		Match: string(s.strategy), Output: o.Output,
		Counts: buildCounts{Members: len(s.members), AlreadyMapped: alreadyMapped, Matched: len(res.Pairs) - len(invalid), Rows: rows,
			Agents: len(s.agents), Leftovers: len(res.Leftovers), Elsewhere: s.elsewhere},
		Unmatched: []memberReport{}, Leftovers: []agentReport{},
		Requests: s.src.requests(), TimingsMS: map[string]int64{},
	}
	if s.strategy == match.StrategySSO {
		r.Template, r.TemplateFrom = s.tmpl.String(), s.tmplFrom
	}
	if secs := matchTime.Seconds(); secs > 0 {
		r.MatchRate = float64(len(members)) / secs
	}
	for k, d := range s.timings {
		r.TimingsMS[k] = d.Milliseconds()
	}
	misses := append(slices.Clone(res.Misses), invalid...)
	slices.SortStableFunc(misses, func(a, b match.Miss) int {
		return strings.Compare(string(members[a.Member].ID), string(members[b.Member].ID))
	})
	for _, ms := range misses {
		r.Unmatched = append(r.Unmatched, memberReportOf(s, members, ms))
	}
	r.Counts.Unmatched = len(r.Unmatched)
	for _, l := range res.Leftovers {
		r.Leftovers = append(r.Leftovers, agentReportOf(s, members, l))
	}
	caseDiffers := 0
	for _, p := range res.Pairs {
		if p.CaseDiffers {
			caseDiffers++
		}
	}
	if caseDiffers > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d members matched an agent whose username differs from theirs only in letter case; Amazon Connect ignores case, so the pairs stand", caseDiffers))
	}
	if s.cc.Provider == routemap.ProviderAmazonConnect && s.info.Provider == routemap.ProviderPartner {
		r.Notes = append(r.Notes, "contact center "+string(s.center)+" uses Amazon Connect, whose routing maps need agent ARNs; these agents have usernames only, so routemap import will refuse the rows")
	}
	r.Notes = append(r.Notes, s.src.warnings()...)
	return r
}

func memberReportOf(s *session, members []routemap.User, ms match.Miss) memberReport {
	u := &members[ms.Member]
	mr := memberReport{UserID: string(u.ID), Username: u.Username, Alias: u.Alias, Name: u.Name(),
		Reason: string(ms.Reason), Message: ms.Message, Expected: ms.Expected, Fix: missFix(s, ms)}
	for _, j := range ms.Agents {
		mr.Agents = append(mr.Agents, refOf(&s.agents[j]))
	}
	return mr
}

func agentReportOf(s *session, members []routemap.User, l match.Leftover) agentReport {
	a := &s.agents[l.Agent]
	return agentReport{agentRef: refOf(a), Reason: string(l.Reason), Message: l.Message, UserID: l.UserID, Fix: leftoverFix(s, l)}
}

// telephony names the agents' system in fixes.
func (s *session) telephony() string {
	if s.info.Provider == routemap.ProviderAmazonConnect {
		return "Amazon Connect"
	}
	return "the partner telephony system"
}

// missFix says what to do about a member without an agent.
func missFix(s *session, ms match.Miss) string {
	switch ms.Reason {
	case match.ReasonNoAgent:
		if s.info.Provider == routemap.ProviderAmazonConnect {
			return "create the rep's Amazon Connect user " + ms.Expected + " (removing the rep from the contact center and adding them again makes Service Cloud Voice provision it), then build again"
		}
		return "create the rep's user " + ms.Expected + " in " + s.telephony() + ", then build again"
	case match.ReasonNearMiss:
		return "rename that agent to " + ms.Expected + " in " + s.telephony() + " (or, if every agent uses its format, pass it as --template), then build again"
	case match.ReasonAmbiguous:
		return "keep one agent with username " + ms.Expected + " in " + s.telephony() + " and delete the others"
	case match.ReasonSharedAgent:
		return "give each of these reps a username or email of their own, or match with another --match"
	case match.ReasonInactive:
		return "remove the inactive user from the contact center, and deactivate their user in " + s.telephony()
	case match.ReasonAliasInvalid:
		return "change the user's alias to letters, digits, _ - . only; Service Cloud Voice then provisions the agent " + "(build again afterwards)"
	case match.ReasonNoKey:
		return "fill in the user's " + map[match.Strategy]string{match.StrategyEmail: "email", match.StrategyUsername: "username"}[s.strategy] + ", or match with another --match"
	case match.ReasonNotMember:
		return "add the user to contact center " + string(s.center) + ", or leave them out"
	case reasonInvalidRow:
		return "check that the agent belongs to the contact center's instance (routemap validate names the rule)"
	}
	return ""
}

// leftoverFix says what to do about an agent no member matched.
func leftoverFix(s *session, l match.Leftover) string {
	switch l.Reason {
	case match.ReasonNearMiss:
		return "rename it to the username its rep expects, or delete it if the rep has another agent"
	case match.ReasonInactive:
		return "deactivate or delete it in " + s.telephony() + "; its Salesforce user is inactive"
	case match.ReasonAmbiguous:
		return "keep one agent with this username and delete the others"
	case match.ReasonSharedAgent:
		return "give each rep who expects it an agent of their own"
	case match.ReasonDuplicate:
		return "delete it if the rep needs only the agent they are matched to"
	case match.ReasonUserNotMember:
		return "delete or deactivate it if the user left; add the user to the contact center if they should take calls"
	}
	return "add its rep to the contact center, or delete it if nobody uses it"
}

// listLimit is how many unmatched members and leftover agents the text
// report lists; --report has them all.
const listLimit = 50

func (m *Main) printBuildReport(r *buildReport) {
	w := m.Stderr
	name := ""
	if r.CallCenterName != "" {
		name = " (" + r.CallCenterName + ")"
	}
	fmt.Fprintf(w, "routemap: contact center %s%s: %d members from %s", r.CallCenterID, name, r.Counts.Members, r.MembersFrom)
	if r.Counts.Elsewhere > 0 {
		fmt.Fprintf(w, " (%d users of other contact centers left out)", r.Counts.Elsewhere)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "routemap: %d agents from %s%s\n", r.Counts.Agents, r.AgentsFrom, requestsText(r.Requests))
	how := "routemap: matched by " + r.Match
	if r.Template != "" {
		how += " with the username template " + r.Template + " (" + r.TemplateFrom + ")"
	}
	fmt.Fprintln(w, how)
	if r.Counts.AlreadyMapped > 0 {
		fmt.Fprintf(w, "routemap: %d members already have a routing map (--only-unmapped)\n", r.Counts.AlreadyMapped)
	}
	out := r.Output
	if out == "-" {
		out = "standard output"
	}
	fmt.Fprintf(w, "routemap: %d of %d members matched; wrote %d rows to %s\n", r.Counts.Matched, r.Counts.Members-r.Counts.AlreadyMapped, r.Counts.Rows, out)
	for _, n := range r.Notes {
		fmt.Fprintln(w, "routemap: note: "+n)
	}
	if len(r.Unmatched) > 0 {
		fmt.Fprintf(w, "routemap: %d members unmatched:\n", len(r.Unmatched))
		for i, u := range r.Unmatched {
			if i == listLimit {
				fmt.Fprintf(w, "  … and %d more (--report lists them all)\n", len(r.Unmatched)-listLimit)
				break
			}
			fmt.Fprintf(w, "  %s %-8s %s: %s\n      fix: %s\n", u.UserID, u.Alias, u.Reason, u.Message, u.Fix)
		}
	}
	if len(r.Leftovers) > 0 {
		fmt.Fprintf(w, "routemap: %d agents left over:\n", len(r.Leftovers))
		for i, a := range r.Leftovers {
			if i == listLimit {
				fmt.Fprintf(w, "  … and %d more (--report lists them all)\n", len(r.Leftovers)-listLimit)
				break
			}
			fmt.Fprintf(w, "  %s %s: %s\n      fix: %s\n", a.Username, a.Reason, a.Message, a.Fix)
		}
	}
}

// requestsText lists request counts for a report line.
func requestsText(req map[string]int) string {
	if len(req) == 0 {
		return ""
	}
	ops := make([]string, 0, len(req))
	for op := range req {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = fmt.Sprintf("%s %d", op, req[op])
	}
	return " (requests: " + strings.Join(parts, ", ") + ")"
}
