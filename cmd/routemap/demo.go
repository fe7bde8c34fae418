package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/crypto/bcrypt"

	"routemap"
	"routemap/internal/atomicfile"
	"routemap/localconnect"
	"routemap/match"
	"routemap/sfid"
)

// demoCredentials is what `serve --demo` writes to demo-credentials.json.
type demoCredentials struct {
	InstanceURL        string   `json:"instance_url"`
	OrgID              string   `json:"org_id"`
	CallCenterID       string   `json:"call_center_id"`
	ConnectInstanceARN string   `json:"connect_instance_arn"`
	AdminUsername      string   `json:"admin_username"`
	AdminPassword      string   `json:"admin_password"`
	ViewerUsername     string   `json:"viewer_username"`
	ViewerPassword     string   `json:"viewer_password"`
	ClientID           string   `json:"client_id"`
	ClientSecret       string   `json:"client_secret"`
	APIVersion         string   `json:"api_version"`
	LatestAPIVersion   string   `json:"latest_api_version"`
	QueueID            string   `json:"queue_id"`
	RepUserIDs         []string `json:"rep_user_ids"`
	NonMemberUserIDs   []string `json:"non_member_user_ids"`
	// The local Amazon Connect that serves the demo instance, and an
	// access key it accepts (region: the instance's).
	ConnectEndpoint    string `json:"connect_endpoint,omitempty"`
	AWSAccessKeyID     string `json:"aws_access_key_id,omitempty"`
	AWSSecretAccessKey string `json:"aws_secret_access_key,omitempty"`
	AWSRegion          string `json:"aws_region,omitempty"`
}

const demoCredentialsFile = "demo-credentials.json"

// region is the region of the demo instance, or "" when there is none.
func (c *demoCredentials) region() string {
	if c == nil {
		return ""
	}
	a, err := routemap.ParseConnectARN(c.ConnectInstanceARN)
	if err != nil {
		return ""
	}
	return a.Region
}

// seedDemo fills an empty store with the demo org and writes its
// credentials, returning the file's path and what it holds. A store that
// already holds the demo org keeps it; its credentials file is updated
// with the current instance URL.
func seedDemo(ctx context.Context, store routemap.Store, dir, instanceURL string, reps int, progress io.Writer) (string, *demoCredentials, bool, error) {
	path := filepath.Join(dir, demoCredentialsFile)
	if data, err := os.ReadFile(path); err == nil {
		var creds demoCredentials
		if err := json.Unmarshal(data, &creds); err != nil {
			return path, nil, false, fmt.Errorf("read %s: %w", path, err)
		}
		org, err := sfid.Parse(creds.OrgID)
		if err == nil {
			_, err = store.FindOrg(ctx, org)
		}
		if err != nil {
			return path, nil, false, fmt.Errorf("%s names org %s, which is not in the store: remove the file or use another --data directory", path, creds.OrgID)
		}
		creds.InstanceURL = instanceURL
		return path, &creds, false, writeSecretJSON(path, creds)
	}
	if _, err := store.FindUserByUsername(ctx, "admin@demo.routemap.test"); err == nil {
		return path, nil, false, errors.New("the data directory holds a demo org but not its credentials file; use a fresh --data directory")
	}

	creds := demoCredentials{InstanceURL: instanceURL, APIVersion: "62.0", LatestAPIVersion: "67.0"}
	org := &routemap.Org{Name: "Routemap Demo"}
	if err := store.CreateOrg(ctx, org); err != nil {
		return path, nil, false, err
	}
	creds.OrgID = string(org.ID)
	creds.ConnectInstanceARN = "arn:aws:connect:us-west-2:111122223333:instance/" + uuid()
	cc := &routemap.CallCenter{OrgID: org.ID, Name: "Demo Amazon Connect", InternalName: "DemoAmazonConnect",
		Provider: routemap.ProviderAmazonConnect, ConnectInstanceARN: creds.ConnectInstanceARN, UsernameTemplate: routemap.DefaultUsernameTemplate}
	if err := store.CreateCallCenter(ctx, cc); err != nil {
		return path, nil, false, err
	}
	creds.CallCenterID = string(cc.ID)
	queue := &routemap.Group{OrgID: org.ID, Name: "Support Queue", DeveloperName: "Support_Queue", Type: "Queue"}
	if err := store.CreateGroup(ctx, queue); err != nil {
		return path, nil, false, err
	}
	creds.QueueID = string(queue.ID)

	creds.AdminUsername, creds.AdminPassword = "admin@demo.routemap.test", secret(20)
	creds.ViewerUsername, creds.ViewerPassword = "viewer@demo.routemap.test", secret(20)
	admin, err := createDemoUser(ctx, store, org.ID, creds.AdminUsername, creds.AdminPassword, "Ada", "Admin", "admin", routemap.AdminPermissions)
	if err != nil {
		return path, nil, false, err
	}
	if _, err := createDemoUser(ctx, store, org.ID, creds.ViewerUsername, creds.ViewerPassword, "Vic", "Viewer", "viewer",
		routemap.Permissions(routemap.PermReadRoutingMap|routemap.PermAPIEnabled)); err != nil {
		return path, nil, false, err
	}

	creds.ClientID = "3MVG9" + secret(80)
	creds.ClientSecret = secret(64)
	hash, err := bcrypt.GenerateFromPassword([]byte(creds.ClientSecret), bcrypt.DefaultCost)
	if err != nil {
		return path, nil, false, err
	}
	app := &routemap.ConnectedApp{OrgID: org.ID, Name: "Routemap Demo CLI", ClientID: creds.ClientID, SecretHash: string(hash), RunAsUserID: admin.ID}
	if err := store.CreateConnectedApp(ctx, app); err != nil {
		return path, nil, false, err
	}

	users := make([]*routemap.User, 0, reps+5)
	for i := 0; i < reps; i++ {
		users = append(users, demoRep(org.ID, cc.ID, i))
	}
	for i := 0; i < 5; i++ {
		u := demoRep(org.ID, "", reps+i)
		u.Username = fmt.Sprintf("outside%d@demo.routemap.test", i+1)
		users = append(users, u)
	}
	if err := createUsers(ctx, store, users, progress); err != nil {
		return path, nil, false, err
	}
	for _, u := range users {
		if u.CallCenterID.IsZero() {
			creds.NonMemberUserIDs = append(creds.NonMemberUserIDs, string(u.ID))
		} else {
			creds.RepUserIDs = append(creds.RepUserIDs, string(u.ID))
		}
	}
	return path, &creds, true, writeSecretJSON(path, creds)
}

// createUsers stores users, in batches when the store can take them.
func createUsers(ctx context.Context, store routemap.Store, users []*routemap.User, progress io.Writer) error {
	if b, ok := store.(interface {
		CreateUsers(context.Context, []*routemap.User) error
	}); ok {
		const batch = 5000
		for i := 0; i < len(users); i += batch {
			if err := b.CreateUsers(ctx, users[i:min(i+batch, len(users))]); err != nil {
				return err
			}
			if len(users) > 10*batch {
				fmt.Fprintf(progress, "routemap: seeded %d of %d demo users\n", min(i+batch, len(users)), len(users))
			}
		}
		return nil
	}
	for _, u := range users {
		if err := store.CreateUser(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

var (
	demoFirst = []string{"Ava", "Ben", "Chloe", "Diego", "Emma", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara"}
	demoLast  = []string{"Patel", "Okafor", "Martin", "Ramos", "Schultz", "Haddad", "Lindqvist", "Sato", "Petrov", "Nguyen", "Mensah", "Kovac", "Silva", "Berg", "Aziz", "Rao", "Byrne", "Costa", "Yilmaz", "Walsh"}
)

// demoRep returns the i-th demo rep. Every 50th rep, from the 18th, has
// an apostrophe in their alias (O'Neil), which Amazon Connect usernames do
// not allow: Service Cloud Voice cannot provision their agent.
func demoRep(org, center sfid.ID, i int) *routemap.User {
	first, last := demoFirst[i%len(demoFirst)], demoLast[(i/len(demoFirst))%len(demoLast)]
	alias := fmt.Sprintf("%c%.4s%d", first[0]+'a'-'A', lower(last), i)
	if i%50 == 17 {
		last = "O'Neil"
		alias = fmt.Sprintf("%co'ne%d", first[0]+'a'-'A', i)
	}
	if len(alias) > 8 {
		alias = fmt.Sprintf("r%07d", i)
		if i%50 == 17 {
			alias = fmt.Sprintf("o'n%05d", i%100000)
		}
	}
	return &routemap.User{
		OrgID: org, Username: fmt.Sprintf("rep%05d@demo.routemap.test", i+1), Alias: alias,
		Email: fmt.Sprintf("rep%05d@demo.routemap.test", i+1), FirstName: first, LastName: last,
		IsActive: true, CallCenterID: center, Permissions: routemap.Permissions(routemap.PermAPIEnabled),
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func createDemoUser(ctx context.Context, store routemap.Store, org sfid.ID, username, password, first, last, alias string, perms routemap.Permissions) (*routemap.User, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	u := &routemap.User{OrgID: org, Username: username, Alias: alias, Email: username, FirstName: first, LastName: last,
		IsActive: true, Permissions: perms, PasswordHash: string(hash)}
	return u, store.CreateUser(ctx, u)
}

// writeJSONFile writes v to path as indented JSON with mode perm,
// atomically.
func writeJSONFile(path string, v any, perm os.FileMode) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeSecretJSON writes v to path with mode 0600, atomically.
func writeSecretJSON(path string, v any) error { return writeJSONFile(path, v, 0o600) }

// secret returns n random letters and digits.
func secret(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// uuid returns a random version-4 UUID.
func uuid() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Ids of the demo instance's security profile, routing profile and
// transfer flow, which its users and quick connects name. The local Amazon
// Connect does not model those resources; it only checks the ids' shape.
const (
	demoSecurityProfileID = "5ec0f11e-0000-4000-8000-000000000001"
	demoRoutingProfileID  = "5ec0f11e-0000-4000-8000-000000000002"
	demoContactFlowID     = "5ec0f11e-0000-4000-8000-000000000003"
)

// seedDemoConnect makes the demo contact center's Amazon Connect instance
// in the local Amazon Connect, unless the state file already holds it,
// and records the endpoint and an access key in creds and in the
// credentials file at path. See demoAgents for what the instance holds.
func seedDemoConnect(ctx context.Context, store routemap.Store, lc *localconnect.Server, path string, creds *demoCredentials, endpoint string) error {
	arn, err := routemap.ParseConnectARN(creds.ConnectInstanceARN)
	if err != nil {
		return fmt.Errorf("%s: connect_instance_arn: %w", path, err)
	}
	seeded := slices.ContainsFunc(lc.Instances(), func(in localconnect.Instance) bool { return in.ID == arn.InstanceID })
	if !seeded {
		if _, err := lc.CreateInstance(localconnect.Instance{ID: arn.InstanceID, Region: arn.Region, Account: arn.Account, Alias: "routemap-demo"}); err != nil {
			return fmt.Errorf("create the demo Amazon Connect instance: %w", err)
		}
		creds.AWSAccessKeyID = "" // a key of an earlier instance's state is gone
	}
	if creds.AWSAccessKeyID == "" {
		key, err := lc.IssueAccessKey()
		if err != nil {
			return fmt.Errorf("issue the demo AWS access key: %w", err)
		}
		creds.AWSAccessKeyID, creds.AWSSecretAccessKey = key.ID, key.Secret
	}
	if !seeded {
		org, err1 := sfid.Parse(creds.OrgID)
		center, err2 := sfid.Parse(creds.CallCenterID)
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		reps, err := store.ListUsers(ctx, org, center)
		if err != nil {
			return err
		}
		var outsiders []*routemap.User
		for _, id := range creds.NonMemberUserIDs[:min(2, len(creds.NonMemberUserIDs))] {
			u, err := store.FindUser(ctx, org, sfid.ID(id))
			if err != nil {
				return err
			}
			outsiders = append(outsiders, u)
		}
		agents, err := lc.CreateUsers(arn.InstanceID, demoAgents(org, reps, outsiders))
		if err != nil {
			return fmt.Errorf("create the demo agents: %w", err)
		}
		qcs := make([]localconnect.QuickConnect, len(agents))
		for i, a := range agents {
			qcs[i] = localconnect.QuickConnect{Name: "Transfer to " + a.Username, Type: localconnect.QuickConnectUser,
				UserID: a.ID, ContactFlowID: demoContactFlowID}
		}
		if _, err := lc.CreateQuickConnects(arn.InstanceID, qcs); err != nil {
			return fmt.Errorf("create the demo quick connects: %w", err)
		}
	}
	creds.ConnectEndpoint, creds.AWSRegion = endpoint, arn.Region
	return writeSecretJSON(path, creds)
}

// demoAgents returns the Amazon Connect users of the demo instance, for
// reps in id order: most reps have an agent named in the SSO format
// {Alias}@{UserId15}@{OrgId15}, as Service Cloud Voice provisions them, but
//
//   - every 25th rep from the 13th has none (provisioning never happened);
//   - reps whose alias Amazon Connect refuses (see demoRep) have none;
//   - the 6th rep's agent uses the 18-character user id, a near miss;
//
// and three agents belong to no rep: two of users outside the contact
// center (they left it) and a QA account.
func demoAgents(org sfid.ID, reps, outsiders []*routemap.User) []localconnect.User {
	tmpl, _ := match.ParseTemplate(routemap.DefaultUsernameTemplate)
	agent := func(u *routemap.User, username string) localconnect.User {
		return localconnect.User{Username: username,
			IdentityInfo:       localconnect.IdentityInfo{FirstName: u.FirstName, LastName: u.LastName, Email: u.Email},
			SecurityProfileIDs: []string{demoSecurityProfileID}, RoutingProfileID: demoRoutingProfileID}
	}
	out := make([]localconnect.User, 0, len(reps)+len(outsiders)+1)
	for i, u := range reps {
		if _, bad := match.BadAliasChar(u.Alias); bad || i%25 == 12 {
			continue
		}
		username := tmpl.Render(u, org)
		if i == 5 {
			username = u.Alias + "@" + string(u.ID) + "@" + org.Short()
		}
		out = append(out, agent(u, username))
	}
	for _, u := range outsiders {
		out = append(out, agent(u, tmpl.Render(u, org)))
	}
	qa := &routemap.User{FirstName: "QA", LastName: "Tester", Email: "qa.tester@demo.routemap.test"}
	return append(out, agent(qa, "qa.tester"))
}
