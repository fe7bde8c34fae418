package localconnect_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"routemap/localconnect"
)

// TestAWSCLI drives the server with the AWS CLI, whose Python SDK
// (botocore) builds, signs and parses requests on its own, as a second
// check of the wire format. It skips when there is no aws binary.
func TestAWSCLI(t *testing.T) {
	awsBin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("no aws binary in PATH")
	}
	if testing.Short() {
		t.Skip("the AWS CLI takes about a second a command")
	}
	e := newEnv(t)
	users := e.seedUsers(t, 5)
	if _, err := e.srv.CreateQuickConnect(e.inst.ID, localconnect.QuickConnect{
		Name: "agent", Type: localconnect.QuickConnectUser, UserID: users[1].ID, ContactFlowID: contactFlowID,
	}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	env := []string{
		"AWS_ACCESS_KEY_ID=" + e.key.ID,
		"AWS_SECRET_ACCESS_KEY=" + e.key.Secret,
		"AWS_DEFAULT_REGION=" + e.srv.Region(),
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"),
		"AWS_MAX_ATTEMPTS=1",
		"AWS_PAGER=",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	run := func(t *testing.T, args ...string) (map[string]any, string, error) {
		t.Helper()
		cmd := exec.Command(awsBin, append(append([]string{"connect"}, args...), "--endpoint-url", e.hs.URL, "--output", "json")...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var out map[string]any
		if err == nil && stdout.Len() > 0 {
			if jerr := json.Unmarshal(stdout.Bytes(), &out); jerr != nil {
				t.Fatalf("aws %s printed %s: %v", args[0], stdout.String(), jerr)
			}
		}
		return out, stderr.String(), err
	}
	mustRun := func(t *testing.T, args ...string) map[string]any {
		t.Helper()
		out, stderr, err := run(t, args...)
		if err != nil {
			t.Fatalf("aws connect %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return out
	}

	t.Run("ListUsersPaged", func(t *testing.T) {
		before := e.srv.Stats().Requests["ListUsers"]
		out := mustRun(t, "list-users", "--instance-id", e.inst.ARN, "--page-size", "2")
		if got := len(out["UserSummaryList"].([]any)); got != 5 {
			t.Errorf("listed %d users, want 5", got)
		}
		if got := e.srv.Stats().Requests["ListUsers"] - before; got != 3 {
			t.Errorf("the CLI made %d ListUsers requests, want 3 pages", got)
		}
	})
	t.Run("DescribeUser", func(t *testing.T) {
		out := mustRun(t, "describe-user", "--instance-id", e.inst.ID, "--user-id", users[0].ID)
		u := out["User"].(map[string]any)
		if u["Username"] != users[0].Username || u["Arn"] != users[0].ARN {
			t.Errorf("User = %v, want %s", u, users[0].Username)
		}
		// AWS CLI v1 prints timestamps as they came, epoch seconds; v2
		// prints ISO 8601.
		var sec int64
		switch ts := u["LastModifiedTime"].(type) {
		case float64:
			sec = int64(ts)
		case string:
			if parsed, err := time.Parse(time.RFC3339Nano, ts); err == nil {
				sec = parsed.Unix()
			}
		}
		if sec != users[0].LastModifiedTime.Unix() {
			t.Errorf("LastModifiedTime = %v, want %v", u["LastModifiedTime"], users[0].LastModifiedTime)
		}
	})
	t.Run("SearchUsersExact", func(t *testing.T) {
		out := mustRun(t, "search-users", "--instance-id", e.inst.ID, "--search-criteria",
			`{"StringCondition":{"FieldName":"Username","Value":"`+users[2].Username+`","ComparisonType":"EXACT"}}`)
		found := out["Users"].([]any)
		if len(found) != 1 || found[0].(map[string]any)["Id"] != users[2].ID {
			t.Errorf("Users = %v, want just %s", found, users[2].ID)
		}
	})
	t.Run("CreateAndDeleteUser", func(t *testing.T) {
		out := mustRun(t, "create-user", "--instance-id", e.inst.ID, "--username", "cli.user@example.com",
			"--security-profile-ids", securityProfileID, "--routing-profile-id", routingProfileID,
			"--phone-config", "PhoneType=SOFT_PHONE,AutoAccept=false", "--identity-info", "FirstName=Cli,LastName=User")
		id, _ := out["UserId"].(string)
		if id == "" {
			t.Fatalf("create-user printed %v", out)
		}
		mustRun(t, "delete-user", "--instance-id", e.inst.ID, "--user-id", id)
	})
	t.Run("ListQuickConnectsByType", func(t *testing.T) {
		out := mustRun(t, "list-quick-connects", "--instance-id", e.inst.ID, "--quick-connect-types", "USER", "QUEUE")
		if got := len(out["QuickConnectSummaryList"].([]any)); got != 1 {
			t.Errorf("listed %d quick connects, want 1", got)
		}
	})
	t.Run("ResourceNotFoundException", func(t *testing.T) {
		_, stderr, err := run(t, "describe-user", "--instance-id", e.inst.ID, "--user-id", "00000000-0000-4000-8000-00000000dead")
		if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
			t.Errorf("err = %v, stderr %q; want a ResourceNotFoundException", err, stderr)
		}
	})
}
