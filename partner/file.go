package partner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"routemap"
)

// File is a routemap.Directory over agents read from a file once, when it
// is opened. It holds either partner agents (usernames) or Amazon Connect
// agents (ARNs, perhaps with quick connects); Info says which.
type File struct {
	name   string
	info   routemap.DirectoryInfo
	agents []routemap.Agent
}

var _ routemap.Directory = (*File)(nil)

// OpenFile reads the agents in the file at path; see ReadFile for the
// formats. Errors: the *os.PathError of a file that cannot be opened, and
// those of ReadFile.
func OpenFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadFile(path, f)
}

// ReadFile reads agents from r; name is the file's name, for messages and
// Info. It takes:
//
//   - a CSV (comma, semicolon or tab separated; the header names columns
//     in any case, with or without spaces and underscores) with a username
//     column and optionally id, first_name, last_name and email;
//   - the same with an Arn column, as exported from Amazon Connect (Arn,
//     Id, Username): the agents are Amazon Connect agents of one instance,
//     and a QuickConnectId (or QuickConnect, QuickConnectArn) column gives
//     each agent's USER quick connect;
//   - JSON: the output of `aws connect list-users` or `search-users`
//     ({"UserSummaryList": […]} or {"Users": […]}), a partner contract
//     page ({"agents": […]}), or an array of agent objects.
//
// Errors: EINVALID (ReasonInvalidFile) naming the file, line and what is
// wrong.
func ReadFile(name string, r io.Reader) (*File, error) {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	var rows []row
	var err error
	if first := firstByte(br); first == '{' || first == '[' {
		rows, err = readJSON(name, br)
	} else {
		rows, err = readCSV(name, br)
	}
	if err != nil {
		return nil, err
	}
	return build(name, rows)
}

func firstByte(br *bufio.Reader) byte {
	for i := 1; i <= 4096; i++ {
		b, err := br.Peek(i)
		if len(b) < i || err != nil {
			return 0
		}
		if c := b[i-1]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c
		}
	}
	return 0
}

// row is one agent as read, with where it was read.
type row struct {
	where                                     string // "agents.csv:4", "agents.json: agent 3"
	at                                        string // "line 4", "agent 3"
	id, arn, username, first, last, email, qc string
	hasQC                                     bool
}

func invalidf(format string, args ...any) error {
	return &routemap.Error{Code: routemap.EINVALID, Reason: ReasonInvalidFile, Message: fmt.Sprintf(format, args...)}
}

// columns maps a normalized header name to the row field it fills.
var columns = map[string]string{
	"id": "id", "userid": "id", "agentid": "id",
	"arn": "arn", "userarn": "arn", "agentarn": "arn",
	"username": "username", "login": "username",
	"firstname": "first", "lastname": "last",
	"email": "email", "emailaddress": "email",
	"quickconnectid": "qc", "quickconnect": "qc", "quickconnectarn": "qc",
}

func normalize(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		if r != ' ' && r != '_' && r != '-' && r != '.' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func readCSV(name string, br *bufio.Reader) ([]row, error) {
	headerLine, _ := br.Peek(4096)
	if i := bytes.IndexByte(headerLine, '\n'); i >= 0 {
		headerLine = headerLine[:i]
	}
	cr := csv.NewReader(br)
	cr.Comma = delimiter(headerLine)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, invalidf("%s is empty; it needs a header with a username column and one row per agent", name)
	} else if err != nil {
		return nil, invalidf("%s: %v", name, csvProblem(err))
	}
	index := map[string]int{}
	for i, h := range header {
		f, ok := columns[normalize(h)]
		if !ok {
			continue
		}
		if prev, dup := index[f]; dup {
			return nil, invalidf("%s:1: columns %q and %q both hold the %s", name, header[prev], h, fieldName(f))
		}
		index[f] = i
	}
	if _, ok := index["username"]; !ok {
		return nil, invalidf("%s:1: the header (%s) has no username column; agents files need username, and optionally id, first_name, last_name, email (or Arn, Id, Username from Amazon Connect)",
			name, strings.Join(header, ","))
	}
	get := func(rec []string, f string) string {
		if i, ok := index[f]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	_, hasQC := index["qc"]
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, invalidf("%s: %v", name, csvProblem(err))
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		rows = append(rows, row{where: fmt.Sprintf("%s:%d", name, line), at: fmt.Sprintf("line %d", line), id: get(rec, "id"), arn: get(rec, "arn"),
			username: get(rec, "username"), first: get(rec, "first"), last: get(rec, "last"), email: get(rec, "email"),
			qc: get(rec, "qc"), hasQC: hasQC})
	}
	return rows, nil
}

func fieldName(f string) string {
	switch f {
	case "qc":
		return "quick connect"
	case "first":
		return "first name"
	case "last":
		return "last name"
	}
	return f
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Sprintf("line %d has a different number of fields than the header", pe.Line)
		}
		return fmt.Sprintf("line %d: %v", pe.Line, pe.Err)
	}
	return err.Error()
}

// delimiter picks the delimiter the header line uses most.
func delimiter(header []byte) rune {
	best, n := ',', bytes.Count(header, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(header, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

// jsonAgent accepts the member names of the partner contract and of the
// AWS CLI's output (which JSON matches ignoring case).
type jsonAgent struct {
	ID             string `json:"id"`
	Arn            string `json:"arn"`
	Username       string `json:"username"`
	FirstName      string `json:"first_name"`
	LastName       string `json:"last_name"`
	Email          string `json:"email"`
	QuickConnectID string `json:"quick_connect_id"`
	IdentityInfo   *struct {
		FirstName string
		LastName  string
		Email     string
	}
	AltFirstName      string `json:"FirstName"`
	AltLastName       string `json:"LastName"`
	AltQuickConnectID string `json:"QuickConnectId"`
}

func readJSON(name string, r io.Reader) ([]row, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var list []jsonAgent
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		err = json.Unmarshal(data, &list)
	} else {
		var doc struct {
			UserSummaryList *[]jsonAgent
			Users           *[]jsonAgent
			Agents          *[]jsonAgent `json:"agents"`
		}
		if err = json.Unmarshal(data, &doc); err == nil {
			switch {
			case doc.UserSummaryList != nil:
				list = *doc.UserSummaryList
			case doc.Users != nil:
				list = *doc.Users
			case doc.Agents != nil:
				list = *doc.Agents
			default:
				return nil, invalidf(`%s is JSON without agents: routemap reads the output of "aws connect list-users" (UserSummaryList), "search-users" (Users), a partner page ("agents") or an array of agents`, name)
			}
		}
	}
	if err != nil {
		return nil, invalidf("%s is not readable JSON: %s", name, jsonProblem(err))
	}
	qc := slices.ContainsFunc(list, func(a jsonAgent) bool { return a.QuickConnectID != "" || a.AltQuickConnectID != "" })
	rows := make([]row, len(list))
	for i, a := range list {
		r := row{where: fmt.Sprintf("%s: agent %d", name, i+1), at: fmt.Sprintf("agent %d", i+1), id: a.ID, arn: a.Arn, username: a.Username,
			first: firstNonEmpty(a.FirstName, a.AltFirstName), last: firstNonEmpty(a.LastName, a.AltLastName), email: a.Email,
			qc: firstNonEmpty(a.QuickConnectID, a.AltQuickConnectID), hasQC: qc}
		if a.IdentityInfo != nil {
			r.first = firstNonEmpty(r.first, a.IdentityInfo.FirstName)
			r.last = firstNonEmpty(r.last, a.IdentityInfo.LastName)
			r.email = firstNonEmpty(r.email, a.IdentityInfo.Email)
		}
		rows[i] = r
	}
	return rows, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// build checks the rows and makes the directory.
func build(name string, rows []row) (*File, error) {
	if len(rows) == 0 {
		return nil, invalidf("%s lists no agents", name)
	}
	f := &File{name: name, agents: make([]routemap.Agent, 0, len(rows))}
	connect := rows[0].arn != ""
	var instance routemap.ConnectARN
	ids := map[string]string{}
	for _, r := range rows {
		if (r.arn != "") != connect {
			return nil, invalidf("%s: this agent has no Arn, but %s has one; an agents file is either all Amazon Connect agents (with ARNs) or all partner agents", r.where, rows[0].where)
		}
		if r.username == "" {
			return nil, invalidf("%s: the agent has no username", r.where)
		}
		a := routemap.Agent{ID: r.id, Username: r.username, FirstName: r.first, LastName: r.last, Email: r.email}
		for _, v := range []struct{ field, v string }{{"username", a.Username}, {"id", a.ID}, {"email", a.Email}} {
			if len([]rune(v.v)) > MaxFieldLength {
				return nil, invalidf("%s: the %s is longer than %d characters", r.where, v.field, MaxFieldLength)
			}
		}
		if connect {
			arn, err := routemap.ParseConnectARN(r.arn)
			if err != nil {
				return nil, invalidf("%s: Arn: %v", r.where, err)
			}
			if arn.Resource != routemap.ResourceAgent {
				return nil, invalidf("%s: Arn %s is not an agent ARN (…/agent/<id>)", r.where, r.arn)
			}
			if instance.InstanceID == "" {
				instance = arn.Instance()
			} else if !arn.SameInstance(instance) {
				return nil, invalidf("%s: Arn %s belongs to instance %s, but the file's first agent belongs to %s; one file holds one instance's agents",
					r.where, r.arn, arn.Instance(), instance)
			}
			switch {
			case a.ID == "":
				a.ID = arn.ResourceID
			case !strings.EqualFold(a.ID, arn.ResourceID):
				return nil, invalidf("%s: Id %s is not the id in Arn %s", r.where, a.ID, r.arn)
			}
			a.ARN = arn.String()
			if r.qc != "" {
				if err := setQuickConnect(&a, r.qc, instance); err != nil {
					return nil, invalidf("%s: %v", r.where, err)
				}
			}
		} else if r.qc != "" {
			return nil, invalidf("%s: the agent has a quick connect but no Arn; quick connects are for Amazon Connect agents", r.where)
		}
		if a.ID == "" {
			a.ID = a.Username
		}
		if prev, dup := ids[a.ID]; dup {
			return nil, invalidf("%s: agent id %s is already on %s; ids are unique", r.where, a.ID, prev)
		}
		ids[a.ID] = r.at
		f.agents = append(f.agents, a)
	}
	f.info = routemap.DirectoryInfo{Provider: routemap.ProviderPartner, Source: name}
	if connect {
		f.info.Provider = routemap.ProviderAmazonConnect
		f.info.InstanceARN = instance.String()
		f.info.QuickConnects = rows[0].hasQC
		f.info.Source = name + " (Amazon Connect instance " + instance.String() + ")"
	}
	return f, nil
}

// setQuickConnect reads a quick connect id or transfer-destination ARN.
func setQuickConnect(a *routemap.Agent, v string, instance routemap.ConnectARN) error {
	if routemap.IsUUID(v) {
		a.QuickConnectID = strings.ToLower(v)
		qc := instance
		qc.Resource, qc.ResourceID = routemap.ResourceTransferDestination, a.QuickConnectID
		a.QuickConnectARN = qc.String()
		return nil
	}
	qc, err := routemap.ParseConnectARN(v)
	if err != nil {
		return fmt.Errorf("quick connect %q is neither a quick connect id (a UUID) nor its ARN", v)
	}
	if qc.Resource != routemap.ResourceTransferDestination {
		return fmt.Errorf("quick connect %s is not a quick connect ARN (…/transfer-destination/<id>)", v)
	}
	if !qc.SameInstance(instance) {
		return fmt.Errorf("quick connect %s belongs to instance %s, not the agent's %s", v, qc.Instance(), instance)
	}
	a.QuickConnectID, a.QuickConnectARN = qc.ResourceID, qc.String()
	return nil
}

// Info says what the file holds: Amazon Connect agents of one instance
// (with quick connects when it has a quick connect column), or partner
// agents.
func (f *File) Info() routemap.DirectoryInfo { return f.info }

// Agents returns a copy of the file's agents, in file order.
func (f *File) Agents(ctx context.Context) ([]routemap.Agent, error) {
	return slices.Clone(f.agents), ctx.Err()
}
