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

	"golang.org/x/crypto/bcrypt"

	"routemap"
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
}

const demoCredentialsFile = "demo-credentials.json"

// seedDemo fills an empty store with the demo org and writes its
// credentials. A store that already holds the demo org keeps it; its
// credentials file is updated with the current instance URL.
func seedDemo(ctx context.Context, store routemap.Store, dir, instanceURL string, reps int, progress io.Writer) (string, bool, error) {
	path := filepath.Join(dir, demoCredentialsFile)
	if data, err := os.ReadFile(path); err == nil {
		var creds demoCredentials
		if err := json.Unmarshal(data, &creds); err != nil {
			return path, false, fmt.Errorf("read %s: %w", path, err)
		}
		org, err := sfid.Parse(creds.OrgID)
		if err == nil {
			_, err = store.FindOrg(ctx, org)
		}
		if err != nil {
			return path, false, fmt.Errorf("%s names org %s, which is not in the store: remove the file or use another --data directory", path, creds.OrgID)
		}
		creds.InstanceURL = instanceURL
		return path, false, writeSecretJSON(path, creds)
	}
	if _, err := store.FindUserByUsername(ctx, "admin@demo.routemap.test"); err == nil {
		return path, false, errors.New("the data directory holds a demo org but not its credentials file; use a fresh --data directory")
	}

	creds := demoCredentials{InstanceURL: instanceURL, APIVersion: "62.0", LatestAPIVersion: "67.0"}
	org := &routemap.Org{Name: "Routemap Demo"}
	if err := store.CreateOrg(ctx, org); err != nil {
		return path, false, err
	}
	creds.OrgID = string(org.ID)
	creds.ConnectInstanceARN = "arn:aws:connect:us-west-2:111122223333:instance/" + uuid()
	cc := &routemap.CallCenter{OrgID: org.ID, Name: "Demo Amazon Connect", InternalName: "DemoAmazonConnect",
		Provider: routemap.ProviderAmazonConnect, ConnectInstanceARN: creds.ConnectInstanceARN, UsernameTemplate: routemap.DefaultUsernameTemplate}
	if err := store.CreateCallCenter(ctx, cc); err != nil {
		return path, false, err
	}
	creds.CallCenterID = string(cc.ID)
	queue := &routemap.Group{OrgID: org.ID, Name: "Support Queue", DeveloperName: "Support_Queue", Type: "Queue"}
	if err := store.CreateGroup(ctx, queue); err != nil {
		return path, false, err
	}
	creds.QueueID = string(queue.ID)

	creds.AdminUsername, creds.AdminPassword = "admin@demo.routemap.test", secret(20)
	creds.ViewerUsername, creds.ViewerPassword = "viewer@demo.routemap.test", secret(20)
	admin, err := createDemoUser(ctx, store, org.ID, creds.AdminUsername, creds.AdminPassword, "Ada", "Admin", "admin", routemap.AdminPermissions)
	if err != nil {
		return path, false, err
	}
	if _, err := createDemoUser(ctx, store, org.ID, creds.ViewerUsername, creds.ViewerPassword, "Vic", "Viewer", "viewer",
		routemap.Permissions(routemap.PermReadRoutingMap|routemap.PermAPIEnabled)); err != nil {
		return path, false, err
	}

	creds.ClientID = "3MVG9" + secret(80)
	creds.ClientSecret = secret(64)
	hash, err := bcrypt.GenerateFromPassword([]byte(creds.ClientSecret), bcrypt.DefaultCost)
	if err != nil {
		return path, false, err
	}
	app := &routemap.ConnectedApp{OrgID: org.ID, Name: "Routemap Demo CLI", ClientID: creds.ClientID, SecretHash: string(hash), RunAsUserID: admin.ID}
	if err := store.CreateConnectedApp(ctx, app); err != nil {
		return path, false, err
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
		return path, false, err
	}
	for _, u := range users {
		if u.CallCenterID.IsZero() {
			creds.NonMemberUserIDs = append(creds.NonMemberUserIDs, string(u.ID))
		} else {
			creds.RepUserIDs = append(creds.RepUserIDs, string(u.ID))
		}
	}
	return path, true, writeSecretJSON(path, creds)
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

func demoRep(org, center sfid.ID, i int) *routemap.User {
	first, last := demoFirst[i%len(demoFirst)], demoLast[(i/len(demoFirst))%len(demoLast)]
	alias := fmt.Sprintf("%c%.4s%d", first[0]+'a'-'A', lower(last), i)
	if len(alias) > 8 {
		alias = fmt.Sprintf("r%07d", i)
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

// writeSecretJSON writes v to path with mode 0600, atomically.
func writeSecretJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

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
