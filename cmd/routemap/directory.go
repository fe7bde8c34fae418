package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/spf13/cobra"

	"routemap"
	"routemap/amazonconnect"
	"routemap/match"
	"routemap/partner"
	"routemap/salesforce"
	"routemap/sfid"
)

// agentFlags say where the agents come from and how members are matched
// to them; build and audit share them.
type agentFlags struct {
	ConnectInstance string
	ConnectEndpoint string
	ConnectRate     float64
	ConnectCache    string
	AgentsFile      string
	PartnerURL      string
	PartnerToken    string
	PartnerTimeout  time.Duration
	Match           string
	Template        string
}

func (f *agentFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.ConnectInstance, "connect-instance", "", "Amazon Connect instance ARN to read agents from (default: the contact center's, when the org knows it)")
	fl.StringVar(&f.ConnectEndpoint, "connect-endpoint", "", "Amazon Connect endpoint URL (default: AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL, else AWS's)")
	fl.Float64Var(&f.ConnectRate, "connect-rate", amazonconnect.DefaultRate, "most Amazon Connect requests a second (0: no limit)")
	fl.StringVar(&f.ConnectCache, "connect-cache", "", "file caching which agent each quick connect targets (default: in the user cache directory; off: none)")
	fl.StringVar(&f.AgentsFile, "agents", "", "read agents from a CSV or JSON file (id,username,… or Amazon Connect's Arn,Id,Username)")
	fl.StringVar(&f.PartnerURL, "partner-url", "", "read agents from a partner directory (base URL of the partner contract)")
	fl.StringVar(&f.PartnerToken, "partner-token", "", "bearer token for --partner-url (or PARTNER_TOKEN); prefer the variable, flags show in ps")
	fl.DurationVar(&f.PartnerTimeout, "partner-timeout", partner.DefaultTimeout, "time allowed for each partner directory request")
	fl.StringVar(&f.Match, "match", "", "how a member's agent is found: sso (the username template), username or email (default: sso for Amazon Connect, username for partners)")
	fl.StringVar(&f.Template, "template", "", "SSO username template, e.g. {Alias}@{UserId15}@{OrgId15} or government (default: the contact center's, else that one)")
}

// check rejects contradictory agent flags.
func (f *agentFlags) check() error {
	n := 0
	for _, s := range []string{f.ConnectInstance, f.AgentsFile, f.PartnerURL} {
		if s != "" {
			n++
		}
	}
	if n > 1 {
		return usageErrorf("give one source of agents: --connect-instance, --agents or --partner-url")
	}
	if f.ConnectRate < 0 || math.IsNaN(f.ConnectRate) || math.IsInf(f.ConnectRate, 0) {
		return usageErrorf("--connect-rate must be 0 (no limit) or a positive number of requests a second")
	}
	if f.Match != "" {
		if _, err := match.ParseStrategy(f.Match); err != nil {
			return usageErrorf("--match: %w", err)
		}
	}
	if f.Template != "" {
		if _, err := match.ParseTemplate(f.Template); err != nil {
			return usageErrorf("--template: %w", err)
		}
	}
	return nil
}

// agentSource is an opened directory of agents.
type agentSource struct {
	dir     routemap.Directory
	connect *amazonconnect.Directory // when dir is Amazon Connect through the SDK
	partner *partner.Directory       // when dir is a partner directory
}

// requests returns what the source sent, by operation, for reports.
func (s *agentSource) requests() map[string]int {
	switch {
	case s.connect != nil:
		return s.connect.Requests()
	case s.partner != nil:
		return map[string]int{"GET /agents": s.partner.Requests()}
	}
	return nil
}

func (s *agentSource) warnings() []string {
	if s.connect != nil {
		return s.connect.Warnings()
	}
	return nil
}

// openAgents opens the directory the flags name; without one it uses the
// contact center's Amazon Connect instance when cc names one, and returns
// nil when it names none.
func (m *Main) openAgents(ctx context.Context, f agentFlags, cc *routemap.CallCenter) (*agentSource, error) {
	switch {
	case f.AgentsFile != "":
		d, err := partner.OpenFile(f.AgentsFile)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
				return nil, usageErrorf("--agents: %w", err)
			}
			return nil, err
		}
		return &agentSource{dir: d}, nil
	case f.PartnerURL != "":
		token := f.PartnerToken
		if token == "" {
			token = m.Getenv("PARTNER_TOKEN")
		}
		d, err := partner.NewDirectory(f.PartnerURL, partner.Options{Token: token, Timeout: f.PartnerTimeout, UserAgent: "routemap"})
		if err != nil {
			return nil, usageErrorf("--partner-url: %w", err)
		}
		return &agentSource{dir: d, partner: d}, nil
	}
	arn := f.ConnectInstance
	if arn == "" && cc != nil {
		arn = cc.ConnectInstanceARN
	}
	if arn == "" {
		return nil, nil
	}
	a, err := routemap.ParseConnectARN(strings.TrimSpace(arn))
	if err != nil {
		return nil, usageErrorf("--connect-instance: %w", err)
	}
	cfg, err := m.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	opts := amazonconnect.Options{
		Rate:     f.ConnectRate,
		Endpoint: firstNonEmpty(f.ConnectEndpoint, m.Getenv("AWS_ENDPOINT_URL_CONNECT"), m.Getenv("AWS_ENDPOINT_URL")),
	}
	if f.ConnectRate == 0 {
		opts.Rate = amazonconnect.NoRateLimit
	}
	switch f.ConnectCache {
	case "off":
	case "":
		if dir := m.cacheDir(); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err == nil {
				opts.CachePath = filepath.Join(dir, "quick-connects-"+a.InstanceID+".json")
			}
		}
	default:
		opts.CachePath = f.ConnectCache
	}
	d, err := amazonconnect.NewDirectory(cfg, arn, opts)
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	return &agentSource{dir: d, connect: d}, nil
}

// awsConfig loads the AWS configuration the standard way (shared config
// and credential files, profiles, IMDS, …). Settings in the environment
// Main was given take precedence, so that tests and wrappers can pass
// them without touching the process environment.
func (m *Main) awsConfig(ctx context.Context) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if p := m.Getenv("AWS_PROFILE"); p != "" {
		opts = append(opts, config.WithSharedConfigProfile(p))
	}
	if r := firstNonEmpty(m.Getenv("AWS_REGION"), m.Getenv("AWS_DEFAULT_REGION")); r != "" {
		opts = append(opts, config.WithRegion(r))
	}
	if id, secret := m.Getenv("AWS_ACCESS_KEY_ID"), m.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, m.Getenv("AWS_SESSION_TOKEN"))))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, authError(fmt.Errorf("load the AWS configuration: %w", err))
	}
	return cfg, nil
}

// cacheDir is routemap's cache directory: $ROUTEMAP_CACHE_DIR, else
// $XDG_CACHE_HOME/routemap, else ~/.cache/routemap; "" when none is known.
func (m *Main) cacheDir() string {
	if d := m.Getenv("ROUTEMAP_CACHE_DIR"); d != "" {
		return d
	}
	if d := m.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "routemap")
	}
	if home := m.Getenv("HOME"); home != "" {
		return filepath.Join(home, ".cache", "routemap")
	}
	return ""
}

// sourceErr classifies an error from a telephony directory: refused
// credentials and directories that cannot be reached are exit status 3,
// like an org's.
func sourceErr(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	var re *routemap.Error
	if errors.As(err, &re) {
		switch {
		case re.Code == routemap.EUNAUTHORIZED || re.Code == routemap.EFORBIDDEN,
			re.Reason == partner.ReasonUnreachable || re.Reason == partner.ReasonTimeout:
			return authError(err)
		}
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) || isConnErr(err) {
		return authError(err)
	}
	return err
}

// strategyFor returns the match strategy: the flag's, else sso for Amazon
// Connect agents and username for partner agents.
func strategyFor(flag string, info routemap.DirectoryInfo) match.Strategy {
	if flag != "" {
		s, _ := match.ParseStrategy(flag)
		return s
	}
	if info.Provider == routemap.ProviderPartner {
		return match.StrategyUsername
	}
	return match.StrategySSO
}

// templateFor returns the username template: the flag's, else the
// contact center's, else the default.
func templateFor(flag string, cc *routemap.CallCenter) (match.Template, string, error) {
	src, from := flag, "from --template"
	if src == "" && cc != nil && cc.UsernameTemplate != "" {
		src, from = cc.UsernameTemplate, "from the contact center"
	}
	if src == "" {
		from = "the default"
	}
	t, err := match.ParseTemplate(src)
	if err != nil {
		return t, from, usageErrorf("username template (%s): %w", from, err)
	}
	return t, from, nil
}

// parseCallCenter reads --call-center.
func parseCallCenter(s string) (sfid.ID, error) {
	if s == "" {
		return "", usageErrorf("--call-center is required: the contact center (04v…) whose members to map")
	}
	id, err := sfid.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", usageErrorf("--call-center: %w", err)
	}
	if id.Prefix() != sfid.PrefixCallCenter {
		return "", usageErrorf("--call-center: %s is not a contact center id (those start with 04v)", id)
	}
	return id, nil
}

// readMembers reads the members of a contact center from the org.
func readMembers(ctx context.Context, c *salesforce.Client, center sfid.ID) ([]routemap.User, error) {
	var members []routemap.User
	err := c.Members(ctx, center, func(u routemap.User) error {
		members = append(members, u)
		return nil
	})
	if err != nil {
		return nil, orgErr(fmt.Errorf("read the members of contact center %s: %w", center, err))
	}
	slices.SortFunc(members, func(a, b routemap.User) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return members, nil
}

// usersFile is what readUsersCSV found.
type usersFile struct {
	members []routemap.User
	// elsewhere counts rows of users in another contact center or none,
	// which are not members.
	elsewhere int
}

// readUsersCSV reads users exported from Salesforce, e.g. by
//
//	sf data query --query "SELECT Id, Username, Alias, Email, IsActive, CallCenterId FROM User WHERE CallCenterId = '04v…'" --result-format csv
//
// or Data Loader. Column names are matched ignoring case; Id is required,
// IsActive defaults to true and CallCenterId to center. Rows of other
// contact centers are counted and left out.
func readUsersCSV(path string, center sfid.ID) (*usersFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErrorf("--users: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(skipBOM(f))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, usageErrorf("--users: %s has no header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	idCol, ok := col["id"]
	if !ok {
		return nil, usageErrorf("--users: %s has no Id column (its header is %s); export Id, Username, Alias, Email, IsActive, CallCenterId", path, strings.Join(header, ","))
	}
	get := func(rec []string, name string) (string, bool) {
		i, ok := col[strings.ToLower(name)]
		if !ok || i >= len(rec) {
			return "", false
		}
		return strings.TrimSpace(rec[i]), true
	}
	out := &usersFile{}
	seen := map[sfid.ID]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, &routemap.Error{Code: routemap.EINVALID, Message: fmt.Sprintf("--users: %s: %v", path, err)}
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		id, err := sfid.Parse(strings.TrimSpace(rec[idCol]))
		if err != nil || id.Prefix() != sfid.PrefixUser {
			if err == nil {
				err = fmt.Errorf("%s is not a User id (those start with 005)", id)
			}
			return nil, &routemap.Error{Code: routemap.EINVALID, Message: fmt.Sprintf("--users: %s:%d: Id: %v", path, line, err)}
		}
		if prev, dup := seen[id]; dup {
			return nil, &routemap.Error{Code: routemap.EINVALID, Message: fmt.Sprintf("--users: %s:%d: user %s is already on line %d", path, line, id, prev)}
		}
		seen[id] = line
		u := routemap.User{ID: id, IsActive: true, CallCenterID: center}
		u.Username, _ = get(rec, "Username")
		u.Alias, _ = get(rec, "Alias")
		u.Email, _ = get(rec, "Email")
		u.FirstName, _ = get(rec, "FirstName")
		u.LastName, _ = get(rec, "LastName")
		if v, ok := get(rec, "IsActive"); ok && v != "" {
			switch strings.ToLower(v) {
			case "true", "1", "yes":
			case "false", "0", "no":
				u.IsActive = false
			default:
				return nil, &routemap.Error{Code: routemap.EINVALID, Message: fmt.Sprintf("--users: %s:%d: IsActive %q is not true or false", path, line, v)}
			}
		}
		if v, ok := get(rec, "CallCenterId"); ok {
			cc, err := sfid.Parse(v)
			if v == "" || err != nil || cc != center {
				out.elsewhere++
				continue
			}
		}
		out.members = append(out.members, u)
	}
	slices.SortFunc(out.members, func(a, b routemap.User) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out, nil
}

// skipBOM drops a UTF-8 byte order mark, which Excel and Data Loader
// write.
func skipBOM(r io.Reader) io.Reader {
	var b [3]byte
	n, _ := io.ReadFull(r, b[:])
	if n == 3 && string(b[:]) == "\xef\xbb\xbf" {
		return r
	}
	return io.MultiReader(strings.NewReader(string(b[:n])), r)
}
