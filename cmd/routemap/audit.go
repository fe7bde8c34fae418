package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"routemap"
	"routemap/match"
	"routemap/salesforce"
	"routemap/sfid"
)

type auditOptions struct {
	Org        orgFlags
	Agents     agentFlags
	CallCenter string
	JSON       bool
}

func (m *Main) auditCommand() *cobra.Command {
	var o auditOptions
	c := &cobra.Command{
		Use:   "audit --call-center ID [--target ORG] [--connect-instance ARN | --agents FILE | --partner-url URL] [--json]",
		Short: "Find the reps of a contact center whose calls will not route, and what else is wrong with its routing maps",
		Long: `audit reads a contact center's members and routing maps from the org and the
agents from the telephony system (as build does), and reports, by severity,
with the fix for each:

  critical  members without a routing map, maps whose ExternalId is not a
            current agent (or not an ARN where Amazon Connect needs one),
            two reps mapped to one agent: calls will not route
  error     quick connects that target another agent, two maps for one
            user, other broken record rules
  warning   maps of users who left the contact center or are inactive, maps
            to an agent other than the username template's, DeveloperName or
            MasterLabel off the article's convention, 15-character ids
  info      agents no rep is mapped to, inactive members without a map

Members without a map are matched as build would, so each says whether an
agent is waiting (build --only-unmapped and import map them) or why there is
none. audit only reads; it changes nothing in the org or the telephony
system.

Exit status: 0 no critical findings, 1 some (calls will not route to
someone), 2 usage, 3 the org, AWS or the partner refused the credentials or
could not be reached.`,
		Example: `  routemap audit --call-center 04vRm0000000001IAA
  routemap audit --target prod --call-center 04v… --connect-instance arn:aws:connect:… --json > audit.json`,
		Args: positional(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error { return m.runAudit(c.Context(), o) },
	}
	o.Org.register(c)
	o.Agents.register(c)
	c.Flags().StringVar(&o.CallCenter, "call-center", "", "contact center (04v…) to audit")
	c.Flags().BoolVar(&o.JSON, "json", false, "print the findings as JSON on standard output")
	return c
}

// Severities of audit findings, most severe first.
const (
	sevCritical = "critical" // calls will not route to a rep
	sevError    = "error"    // something is wrong that misroutes transfers or breaks a rule
	sevWarning  = "warning"  // stale or off-convention
	sevInfo     = "info"
)

var severities = []string{sevCritical, sevError, sevWarning, sevInfo}

// finding is one thing audit found.
type finding struct {
	Severity      string `json:"severity"`
	Code          string `json:"code"`
	UserID        string `json:"user_id,omitempty"`
	Username      string `json:"username,omitempty"`
	MapID         string `json:"map_id,omitempty"`
	DeveloperName string `json:"developer_name,omitempty"`
	ExternalID    string `json:"external_id,omitempty"`
	Message       string `json:"message"`
	Fix           string `json:"fix,omitempty"`
}

// codeTitles say what each code means, for the text report's groups.
var codeTitles = map[string]string{
	"unmapped_member":           "members without a routing map: calls will not route to them",
	"external_id_not_agent":     "maps whose ExternalId is not an agent of the telephony system",
	"quick_connect_wrong_agent": "maps whose QuickConnect does not target the mapped agent",
	"quick_connect_missing":     "maps without the QuickConnect their agent has",
	"map_user_not_member":       "maps of users who are not members of the contact center",
	"map_user_inactive":         "maps of inactive users",
	"external_id_unexpected":    "maps to an agent other than the username template's",
	"agent_unmapped":            "agents no rep is mapped to",
	"unmapped_inactive_member":  "inactive members without a routing map",
	"no_agent_source":           "agents not checked",
}

// auditReport is what audit prints.
type auditReport struct {
	CallCenterID   string           `json:"call_center_id"`
	CallCenterName string           `json:"call_center_name,omitempty"`
	OrgID          string           `json:"org_id"`
	AgentsFrom     string           `json:"agents_from,omitempty"`
	Counts         auditCounts      `json:"counts"`
	Findings       []finding        `json:"findings"`
	Requests       map[string]int   `json:"requests,omitempty"`
	TimingsMS      map[string]int64 `json:"timings_ms"`
}

type auditCounts struct {
	Members    int            `json:"members"`
	Maps       int            `json:"maps"`
	Agents     int            `json:"agents"`
	Unmapped   int            `json:"unmapped_members"`
	BySeverity map[string]int `json:"findings"`
}

func (m *Main) runAudit(ctx context.Context, o auditOptions) error {
	s, err := newSession(o.Agents, o.CallCenter)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := m.loadOrg(ctx, s, o.Org); err != nil {
		return err
	}
	if s.members, err = readMembers(ctx, s.client, s.center); err != nil {
		return err
	}
	s.time("members", start)
	start = time.Now()
	var maps []routemap.RoutingMap
	err = s.client.RoutingMaps(ctx, s.center, func(rm routemap.RoutingMap) error {
		maps = append(maps, rm)
		return nil
	})
	if err != nil {
		return orgErr(fmt.Errorf("read the routing maps of contact center %s: %w", s.center, err))
	}
	slices.SortFunc(maps, func(a, b routemap.RoutingMap) int { return strings.Compare(string(a.ID), string(b.ID)) })
	s.time("maps", start)
	if s.tmpl, s.tmplFrom, err = templateFor(o.Agents.Template, s.cc); err != nil {
		return err
	}
	if err := m.loadAgents(ctx, s, o.Agents); err != nil {
		return err
	}
	if s.src != nil && s.strategy == match.StrategySSO && s.tmpl.UsesOrg() && s.org.IsZero() {
		return usageErrorf("the username template %s uses the org id, which the org did not say", s.tmpl)
	}

	start = time.Now()
	a := &auditor{s: s, maps: maps}
	if err := a.lookUpOutsiders(ctx); err != nil {
		return err
	}
	if err := a.run(); err != nil {
		return usageErrorf("%w", err)
	}
	s.time("audit", start)

	rep := a.report()
	if o.JSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		m.printAudit(rep)
	}
	if rep.Counts.BySeverity[sevCritical] > 0 {
		return failed()
	}
	return nil
}

// auditor holds one audit.
type auditor struct {
	s         *session
	maps      []routemap.RoutingMap
	outsiders map[sfid.ID]salesforce.Record // mapped users who are not members
	findings  []finding
	unmapped  int
}

func (a *auditor) add(f finding) { a.findings = append(a.findings, f) }

// lookUpOutsiders reads the users of maps who are not members, to say
// whether they left the contact center, are inactive, or are gone.
func (a *auditor) lookUpOutsiders(ctx context.Context) error {
	member := map[sfid.ID]bool{}
	for _, u := range a.s.members {
		member[u.ID] = true
	}
	var ids []string
	for _, rm := range a.maps {
		if rm.IsUserMap() && !member[rm.ReferenceRecordID] {
			ids = append(ids, salesforce.QuoteString(string(rm.ReferenceRecordID)))
		}
	}
	a.outsiders = map[sfid.ID]salesforce.Record{}
	for len(ids) > 0 {
		n := min(len(ids), 200)
		q := "SELECT Id, Username, IsActive, CallCenterId FROM User WHERE Id IN (" + strings.Join(ids[:n], ", ") + ")"
		ids = ids[n:]
		err := a.s.client.Query(ctx, q, func(rec salesforce.Record) error {
			a.outsiders[rec.ID()] = rec
			return nil
		})
		if err != nil {
			return orgErr(fmt.Errorf("read the users of routing maps: %w", err))
		}
	}
	return nil
}

// lineRE finds the "line N" (or "on line N") CrossCheck puts in its
// messages.
var lineRE = regexp.MustCompile(`\b(on )?line (\d+)\b`)

// nameMaps rewrites the "line N" of a CrossCheck message, where N-1 is an
// index into maps: audit's records come from the org, not a file, so the
// map's id and DeveloperName say which.
func nameMaps(msg string, maps []routemap.RoutingMap) string {
	return lineRE.ReplaceAllStringFunc(msg, func(s string) string {
		sub := lineRE.FindStringSubmatch(s)
		n, _ := strconv.Atoi(sub[2])
		if n < 1 || n > len(maps) {
			return s
		}
		name := "map " + string(maps[n-1].ID) + " (" + maps[n-1].DeveloperName + ")"
		if sub[1] != "" {
			return "in " + name
		}
		return name
	})
}

func (a *auditor) run() error {
	s := a.s
	memberIdx := map[sfid.ID]int{}
	for i, u := range s.members {
		memberIdx[u.ID] = i
	}

	// Record rules, one map at a time and across the maps.
	rules := routemap.Rules{Provider: s.cc.Provider, CallCenterID: s.center}
	if rules.Provider == routemap.ProviderAuto && s.src != nil {
		rules.Provider = s.info.Provider
	}
	for _, arn := range []string{s.cc.ConnectInstanceARN, s.info.InstanceARN} {
		if inst, err := routemap.ParseConnectARN(arn); err == nil && rules.Instance.InstanceID == "" {
			rules.Instance = inst.Instance()
		}
	}
	x := routemap.NewCrossCheck(rules.Provider)
	x.Reserve(len(a.maps))
	mapsOf := map[sfid.ID][]int{} // user → maps
	for i := range a.maps {
		rm := &a.maps[i]
		if rm.IsUserMap() {
			mapsOf[rm.ReferenceRecordID] = append(mapsOf[rm.ReferenceRecordID], i)
		}
		checked := rm.Draft().Check(rules)
		checked.Map.ID = rm.ID
		problems := append(checked.Problems, x.Add(i+1, &checked.Map)...)
		for _, p := range problems {
			if p.Code == routemap.CodeLanguageUnknown {
				continue
			}
			a.add(a.mapFinding(rm, problemSeverity(p), p.Code, nameMaps(p.Message, a.maps), problemFix(p, s)))
		}
	}

	// Match every member as build would: it says which agent each member
	// should have, and why some have none.
	var res *match.Result
	agentByExt := map[string]int{}
	agentByQC := map[string]int{}
	expected := make([]int, len(s.members)) // member → agent build would map, -1
	for i := range expected {
		expected[i] = -1
	}
	missOf := map[int]match.Miss{}
	if s.src != nil {
		var err error
		res, err = match.Match(s.members, s.agents, match.Options{Strategy: s.strategy, Template: s.tmpl, OrgID: s.org, CallCenterID: s.center})
		if err != nil {
			return err
		}
		for _, p := range res.Pairs {
			expected[p.Member] = p.Agent
		}
		for _, ms := range res.Misses {
			missOf[ms.Member] = ms
		}
		for j, ag := range s.agents {
			agentByExt[foldExternalID(ag.ExternalID())] = j
			if ag.QuickConnectID != "" {
				agentByQC[strings.ToLower(ag.QuickConnectID)] = j
			}
		}
	} else {
		a.add(finding{Severity: sevInfo, Code: "no_agent_source",
			Message: "no telephony directory was given and the contact center names no Amazon Connect instance: ExternalId and QuickConnect were not checked against the agents",
			Fix:     "give --connect-instance ARN, --agents FILE or --partner-url URL"})
	}

	// Members.
	for i, u := range s.members {
		if len(mapsOf[u.ID]) > 0 {
			if !u.IsActive {
				for _, k := range mapsOf[u.ID] {
					a.add(a.mapFinding(&a.maps[k], sevWarning, "map_user_inactive",
						fmt.Sprintf("user %s is inactive but still mapped to %s", u.Username, a.maps[k].ExternalID),
						"remove the user from the contact center and delete the map; deactivate their telephony user too (Salesforce does not)"))
				}
			}
			continue
		}
		if !u.IsActive {
			a.add(finding{Severity: sevInfo, Code: "unmapped_inactive_member", UserID: string(u.ID), Username: u.Username,
				Message: "inactive member without a routing map", Fix: "remove the user from the contact center"})
			continue
		}
		a.unmapped++
		f := finding{Severity: sevCritical, Code: "unmapped_member", UserID: string(u.ID), Username: u.Username}
		switch {
		case s.src == nil:
			f.Message = "no routing map"
			f.Fix = "routemap build --call-center " + string(s.center) + " --only-unmapped with the agents' source, then routemap import"
		case expected[i] >= 0:
			ag := &s.agents[expected[i]]
			f.Message = "no routing map; agent " + ag.Username + " is waiting for it"
			f.Fix = "routemap build --call-center " + string(s.center) + " --only-unmapped -o unmapped.csv, then routemap import unmapped.csv"
		default:
			ms := missOf[i]
			f.Message = "no routing map, and no agent to map: " + string(ms.Reason) + ": " + ms.Message
			f.Fix = missFix(s, ms)
		}
		a.add(f)
	}

	// Maps against the members and the agents.
	used := make([]bool, len(s.agents))
	for i := range a.maps {
		rm := &a.maps[i]
		if !rm.IsUserMap() {
			continue
		}
		mi, isMember := memberIdx[rm.ReferenceRecordID]
		if !isMember {
			a.add(a.outsiderFinding(rm))
		}
		if s.src == nil {
			continue
		}
		j, ok := agentByExt[foldExternalID(rm.ExternalID)]
		if !ok {
			f := a.mapFinding(rm, sevCritical, "external_id_not_agent",
				fmt.Sprintf("ExternalId %s is not an agent in %s: calls will not route to this rep", rm.ExternalID, s.info.Source), "")
			if isMember && expected[mi] >= 0 {
				f.Fix = "map the rep to agent " + s.agents[expected[mi]].Username + ": routemap build --call-center " + string(s.center) + " -o map.csv, then routemap import map.csv"
			} else {
				f.Fix = "create the rep's agent in " + s.telephony() + ", or delete the map"
			}
			if !isMember {
				f.Severity = sevWarning // a stale map of a user who left: no calls to lose
			}
			a.add(f)
			continue
		}
		used[j] = true
		ag := &s.agents[j]
		if isMember && expected[mi] >= 0 && expected[mi] != j {
			want := &s.agents[expected[mi]]
			a.add(a.mapFinding(rm, sevWarning, "external_id_unexpected",
				fmt.Sprintf("mapped to agent %s, but the username template %s gives %s", ag.Username, s.tmpl, want.Username),
				"if the rep logs in as "+want.Username+", map them to it: routemap build then routemap import"))
		}
		if s.info.QuickConnects {
			a.checkQuickConnect(rm, j, agentByQC)
		}
	}
	if res != nil {
		for _, l := range res.Leftovers {
			if used[l.Agent] {
				continue
			}
			ag := &s.agents[l.Agent]
			a.add(finding{Severity: sevInfo, Code: "agent_unmapped", ExternalID: ag.ExternalID(), Username: ag.Username,
				Message: "agent " + ag.Username + " has no routing map: " + l.Message, Fix: leftoverFix(s, l)})
		}
	}
	return nil
}

// checkQuickConnect compares a map's QuickConnect with its agent's.
func (a *auditor) checkQuickConnect(rm *routemap.RoutingMap, j int, agentByQC map[string]int) {
	ag := &a.s.agents[j]
	qc := quickConnectID(rm.QuickConnect)
	switch {
	case qc == "" && ag.QuickConnectID != "":
		a.add(a.mapFinding(rm, sevWarning, "quick_connect_missing",
			"the map has no QuickConnect, so Omni-Channel transfers do not show the rep's availability; agent "+ag.Username+" has quick connect "+ag.QuickConnectID,
			"set QuickConnect to "+ag.QuickConnectID+": routemap build then routemap import updates it"))
	case qc == "" || strings.EqualFold(qc, ag.QuickConnectID):
	default:
		msg := "QuickConnect " + rm.QuickConnect + " is not a USER quick connect of the instance (deleted, or a queue's)"
		if k, ok := agentByQC[qc]; ok {
			msg = "QuickConnect " + rm.QuickConnect + " targets agent " + a.s.agents[k].Username + ", not the mapped agent " + ag.Username
		}
		fix := "set QuickConnect to the agent's quick connect"
		if ag.QuickConnectID != "" {
			fix = "set QuickConnect to " + ag.QuickConnectID + ": routemap build then routemap import updates it"
		}
		a.add(a.mapFinding(rm, sevError, "quick_connect_wrong_agent", msg+": transfers go to the wrong rep", fix))
	}
}

// quickConnectID is the id in a QuickConnect value (a UUID or an ARN).
func quickConnectID(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "arn:") {
		if a, err := routemap.ParseConnectARN(v); err == nil {
			return strings.ToLower(a.ResourceID)
		}
	}
	return strings.ToLower(v)
}

// outsiderFinding explains a map of a user who is not a member.
func (a *auditor) outsiderFinding(rm *routemap.RoutingMap) finding {
	fix := "delete map " + string(rm.ID) + " (routemap does not delete maps; e.g. sf data delete record --sobject CallCenterRoutingMap --record-id " + string(rm.ID) + ")"
	rec, ok := a.outsiders[rm.ReferenceRecordID]
	var msg string
	switch {
	case !ok:
		msg = "user " + string(rm.ReferenceRecordID) + " does not exist in the org (or the org hides them)"
	case !rec.Bool("IsActive"):
		msg = "user " + rec.String("Username") + " is inactive and no longer a member of the contact center"
	case rec.String("CallCenterId") == "":
		msg = "user " + rec.String("Username") + " left the contact center (is in none)"
	default:
		msg = "user " + rec.String("Username") + " is now a member of contact center " + rec.String("CallCenterId")
	}
	f := a.mapFinding(rm, sevWarning, "map_user_not_member", msg+"; the map is stale", fix)
	if ok {
		f.Username = rec.String("Username")
	}
	return f
}

func (a *auditor) mapFinding(rm *routemap.RoutingMap, sev, code, msg, fix string) finding {
	return finding{Severity: sev, Code: code, UserID: string(rm.ReferenceRecordID), MapID: string(rm.ID),
		DeveloperName: rm.DeveloperName, ExternalID: rm.ExternalID, Message: msg, Fix: fix}
}

// problemSeverity ranks a record rule's problem: an ExternalId Amazon
// Connect cannot route to, or two reps on one agent, is critical.
func problemSeverity(p routemap.Problem) string {
	switch p.Code {
	case routemap.CodeExternalIDNotARN, routemap.CodeExternalIDBareAgentID, routemap.CodeExternalIDIsARN,
		routemap.CodeExternalIDARNKind, routemap.CodeExternalIDOtherInstance, routemap.CodeARNMalformed,
		routemap.CodeDuplicateExternalID:
		return sevCritical
	}
	if p.Severity == routemap.SeverityError {
		return sevError
	}
	return sevWarning
}

// problemFix turns a record rule's fix into what to do with a stored map.
func problemFix(p routemap.Problem, s *session) string {
	switch p.Code {
	case routemap.CodeDeveloperNameConvention:
		return p.Fix + " (import matches maps by DeveloperName, so delete this map and import the row routemap build writes)"
	case routemap.CodeDuplicateUser, routemap.CodeDuplicateExternalID:
		return p.Fix + "; delete the wrong map, then routemap audit again"
	}
	fix := p.Fix
	if p.Mechanical {
		fix += ": routemap export --call-center " + string(s.center) + " -o maps.csv, routemap validate --fix fixed.csv maps.csv, routemap import fixed.csv"
	} else if fix == "" {
		fix = "correct the map (routemap validate explains the rule " + p.Code + ")"
	}
	return fix
}

func sevRank(s string) int { return slices.Index(severities, s) }

func (a *auditor) report() *auditReport {
	s := a.s
	r := &auditReport{CallCenterID: string(s.center), CallCenterName: s.cc.Name, OrgID: string(s.org),
		Counts:    auditCounts{Members: len(s.members), Maps: len(a.maps), Agents: len(s.agents), Unmapped: a.unmapped, BySeverity: map[string]int{}},
		Findings:  a.findings,
		TimingsMS: map[string]int64{},
	}
	if s.src != nil {
		r.AgentsFrom = s.info.Source
		r.Requests = s.src.requests()
	}
	if r.Findings == nil {
		r.Findings = []finding{}
	}
	slices.SortStableFunc(r.Findings, func(x, y finding) int {
		return cmp.Or(sevRank(x.Severity)-sevRank(y.Severity), strings.Compare(x.Code, y.Code), strings.Compare(x.UserID, y.UserID))
	})
	for _, sev := range severities {
		r.Counts.BySeverity[sev] = 0
	}
	for _, f := range r.Findings {
		r.Counts.BySeverity[f.Severity]++
	}
	for k, d := range s.timings {
		r.TimingsMS[k] = d.Milliseconds()
	}
	return r
}

// groupLimit is how many findings of one code the text report lists.
const groupLimit = 20

func (m *Main) printAudit(r *auditReport) {
	w := m.Stdout
	name := ""
	if r.CallCenterName != "" {
		name = " (" + r.CallCenterName + ")"
	}
	fmt.Fprintf(w, "contact center %s%s in org %s: %d members, %d routing maps", r.CallCenterID, name, r.OrgID, r.Counts.Members, r.Counts.Maps)
	if r.AgentsFrom != "" {
		fmt.Fprintf(w, ", %d agents from %s", r.Counts.Agents, r.AgentsFrom)
	}
	fmt.Fprintln(w)
	for _, sev := range severities {
		var group []finding
		for _, f := range r.Findings {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s (%d)\n", strings.ToUpper(sev), len(group))
		for start := 0; start < len(group); {
			code := group[start].Code
			end := start
			for end < len(group) && group[end].Code == code {
				end++
			}
			title := codeTitles[code]
			if title == "" {
				title = "routing maps that break the rule " + code
			}
			fmt.Fprintf(w, "  %s (%d): %s\n", code, end-start, title)
			common := commonFix(group[start:end])
			if common != "" {
				fmt.Fprintf(w, "    fix: %s\n", common)
			}
			for i, f := range group[start:end] {
				if i == groupLimit {
					fmt.Fprintf(w, "    … and %d more (--json lists them all)\n", end-start-groupLimit)
					break
				}
				who := f.UserID
				if f.Username != "" {
					who += " " + f.Username
				}
				if f.MapID != "" {
					who += " map " + f.MapID
				}
				if who == "" {
					who = f.ExternalID
				}
				fmt.Fprintf(w, "    %s: %s\n", strings.TrimSpace(who), f.Message)
				if f.Fix != "" && f.Fix != common {
					fmt.Fprintf(w, "      fix: %s\n", f.Fix)
				}
			}
			start = end
		}
	}
	c := r.Counts.BySeverity
	fmt.Fprintf(w, "\n%d critical, %d errors, %d warnings, %d info; %d of %d members unmapped\n",
		c[sevCritical], c[sevError], c[sevWarning], c[sevInfo], r.Counts.Unmapped, r.Counts.Members)
}

// commonFix returns the fix most findings of a group share, when more
// than one does, so the text report says it once.
func commonFix(group []finding) string {
	n := map[string]int{}
	best := ""
	for _, f := range group {
		if f.Fix == "" {
			continue
		}
		n[f.Fix]++
		if n[f.Fix] > n[best] {
			best = f.Fix
		}
	}
	if n[best] < 2 {
		return ""
	}
	return best
}
