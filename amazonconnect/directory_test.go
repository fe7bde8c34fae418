package amazonconnect_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/amazonconnect"
	"routemap/localconnect"
)

func TestAgentsPaging(t *testing.T) {
	e := newEnv(t)
	users, qcs := e.seed(t, 2500, 1200)
	if _, err := e.srv.CreateQuickConnect(e.inst.ID, localconnect.QuickConnect{
		Name: "support queue", Type: localconnect.QuickConnectQueue, QueueID: "q-1", ContactFlowID: contactFlowID,
	}); err != nil {
		t.Fatal(err)
	}
	d := e.directory(t)
	agents, err := d.Agents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(agents) != 2500 {
		t.Fatalf("got %d agents, want 2500", len(agents))
	}
	want := map[string]routemap.Agent{}
	for i, u := range users {
		a := routemap.Agent{ID: u.ID, ARN: u.ARN, Username: u.Username}
		if i < len(qcs) {
			a.QuickConnectID, a.QuickConnectARN = qcs[i].ID, qcs[i].ARN
		}
		want[u.ID] = a
	}
	for i, a := range agents {
		if diff := cmp.Diff(want[a.ID], a); diff != "" {
			t.Fatalf("agent %d (-want +got):\n%s", i, diff)
		}
		if i > 0 && agents[i-1].Username >= a.Username {
			t.Fatalf("agents not sorted by username at %d", i)
		}
	}
	wantRequests := map[string]int{"ListUsers": 3, "ListQuickConnects": 2, "DescribeQuickConnect": 1200}
	if diff := cmp.Diff(wantRequests, d.Requests()); diff != "" {
		t.Errorf("client requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantRequests, e.srv.Stats().Requests); diff != "" {
		t.Errorf("server requests (-want +got):\n%s", diff)
	}
	if w := d.Warnings(); len(w) != 0 {
		t.Errorf("warnings = %q, want none", w)
	}
}

func TestAgentsJoin(t *testing.T) {
	e := newEnv(t)
	users, _ := e.seed(t, 4, 0)
	qc := func(id, name, userID string) localconnect.QuickConnect {
		return localconnect.QuickConnect{ID: id, Name: name, Type: localconnect.QuickConnectUser, UserID: userID, ContactFlowID: contactFlowID}
	}
	created, err := e.srv.CreateQuickConnects(e.inst.ID, []localconnect.QuickConnect{
		qc("bbbbbbbb-0000-4000-8000-000000000000", "rep0 second", users[0].ID),
		qc("aaaaaaaa-0000-4000-8000-000000000000", "rep0 first", users[0].ID),
		qc("cccccccc-0000-4000-8000-000000000000", "rep1", users[1].ID),
		qc("dddddddd-0000-4000-8000-000000000000", "rep3", users[3].ID),
	})
	if err != nil {
		t.Fatal(err)
	}
	// rep3 leaves; the quick connect that targeted them stays.
	if _, err := e.client().DeleteUser(context.Background(), &connect.DeleteUserInput{
		InstanceId: aws.String(e.inst.ID), UserId: aws.String(users[3].ID),
	}); err != nil {
		t.Fatal(err)
	}

	d := e.directory(t)
	agents, err := d.Agents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []routemap.Agent{
		{ID: users[0].ID, ARN: users[0].ARN, Username: users[0].Username, QuickConnectID: created[1].ID, QuickConnectARN: created[1].ARN},
		{ID: users[1].ID, ARN: users[1].ARN, Username: users[1].Username, QuickConnectID: created[2].ID, QuickConnectARN: created[2].ARN},
		{ID: users[2].ID, ARN: users[2].ARN, Username: users[2].Username},
	}
	if diff := cmp.Diff(want, agents); diff != "" {
		t.Errorf("agents (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		fmt.Sprintf(`USER quick connect "rep3" (%s) targets user %s, who is not in instance %s`, created[3].ID, users[3].ID, e.inst.ARN),
		fmt.Sprintf("agent %s (%s) is the target of 2 USER quick connects (%s, %s); using %s, the lowest id",
			users[0].Username, users[0].ID, created[1].ID, created[0].ID, created[1].ID),
	}
	if diff := cmp.Diff(wantWarnings, d.Warnings()); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestAgentsCache(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	users, qcs := e.seed(t, 30, 20)
	cachePath := filepath.Join(t.TempDir(), "quick-connects.json")
	run := func(t *testing.T) ([]routemap.Agent, int) {
		t.Helper()
		d := e.directory(t, func(o *amazonconnect.Options) { o.CachePath = cachePath })
		agents, err := d.Agents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return agents, d.Requests()["DescribeQuickConnect"]
	}
	quickConnectOf := func(agents []routemap.Agent, userID string) string {
		for _, a := range agents {
			if a.ID == userID {
				return a.QuickConnectID
			}
		}
		t.Fatalf("no agent %s", userID)
		return ""
	}

	first, described := run(t)
	if described != 20 {
		t.Fatalf("first run described %d quick connects, want 20", described)
	}
	t.Run("HitOnSecondRun", func(t *testing.T) {
		second, described := run(t)
		if described != 0 {
			t.Errorf("second run described %d quick connects, want 0", described)
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Errorf("agents differ from the first run (-first +second):\n%s", diff)
		}
	})
	t.Run("ChangedQuickConnectIsReadAgain", func(t *testing.T) {
		// Point qcs[0] at users[25], who had none.
		if _, err := e.client().UpdateQuickConnectConfig(ctx, &connect.UpdateQuickConnectConfigInput{
			InstanceId: aws.String(e.inst.ID), QuickConnectId: aws.String(qcs[0].ID),
			QuickConnectConfig: &types.QuickConnectConfig{
				QuickConnectType: types.QuickConnectTypeUser,
				UserConfig:       &types.UserQuickConnectConfig{UserId: aws.String(users[25].ID), ContactFlowId: aws.String(contactFlowID)},
			},
		}); err != nil {
			t.Fatal(err)
		}
		agents, described := run(t)
		if described != 1 {
			t.Errorf("run after a change described %d quick connects, want 1", described)
		}
		if got0, got25 := quickConnectOf(agents, users[0].ID), quickConnectOf(agents, users[25].ID); got0 != "" || got25 != qcs[0].ID {
			t.Errorf("after retargeting: users[0] has %q, users[25] has %q; want none and %s", got0, got25, qcs[0].ID)
		}
	})
	t.Run("DeletedQuickConnectDropsOut", func(t *testing.T) {
		if _, err := e.client().DeleteQuickConnect(ctx, &connect.DeleteQuickConnectInput{
			InstanceId: aws.String(e.inst.ID), QuickConnectId: aws.String(qcs[1].ID),
		}); err != nil {
			t.Fatal(err)
		}
		agents, described := run(t)
		if described != 0 {
			t.Errorf("run after a delete described %d quick connects, want 0", described)
		}
		if got := quickConnectOf(agents, users[1].ID); got != "" {
			t.Errorf("users[1] still has quick connect %q", got)
		}
		data, err := os.ReadFile(cachePath)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			QuickConnects map[string]json.RawMessage `json:"quick_connects"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		if _, ok := f.QuickConnects[qcs[1].ID]; ok || len(f.QuickConnects) != 19 {
			t.Errorf("cache holds %d quick connects (deleted one present: %v), want 19 without it", len(f.QuickConnects), ok)
		}
	})
	t.Run("InMemoryWithoutCachePath", func(t *testing.T) {
		d := e.directory(t)
		for range 2 {
			if _, err := d.Agents(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got := d.Requests()["DescribeQuickConnect"]; got != 19 {
			t.Errorf("two runs of one directory described %d quick connects, want 19 (the first run only)", got)
		}
	})
	t.Run("CorruptCacheIsIgnored", func(t *testing.T) {
		if err := os.WriteFile(cachePath, []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, described := run(t); described != 19 {
			t.Errorf("run with a corrupt cache described %d quick connects, want 19", described)
		}
	})
}

func TestAgentsErrors(t *testing.T) {
	e := newEnv(t)
	e.seed(t, 3, 3)
	ctx := context.Background()
	otherInstance := strings.Replace(e.inst.ARN, e.inst.ID, "00000000-0000-4000-8000-000000000000", 1)
	tests := []struct {
		name     string
		dir      func(t *testing.T) *amazonconnect.Directory
		wantCode string
		wantIn   []string
	}{
		{"ErrWrongSecret", func(t *testing.T) *amazonconnect.Directory {
			d, err := amazonconnect.NewDirectory(e.config(e.key.ID, "wrong-secret"), e.inst.ARN, amazonconnect.Options{Endpoint: e.hs.URL})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}, routemap.EUNAUTHORIZED, []string{e.inst.ARN, "InvalidSignatureException", "secret key", "region (eu-central-1)", e.hs.URL}},
		{"ErrUnknownAccessKey", func(t *testing.T) *amazonconnect.Directory {
			d, err := amazonconnect.NewDirectory(e.config("AKIAUNKNOWN000000000", e.key.Secret), e.inst.ARN, amazonconnect.Options{Endpoint: e.hs.URL})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}, routemap.EUNAUTHORIZED, []string{e.inst.ARN, "UnrecognizedClientException", "access key"}},
		{"ErrNoCredentials", func(t *testing.T) *amazonconnect.Directory {
			cfg := e.config("", "")
			cfg.Credentials = nil
			d, err := amazonconnect.NewDirectory(cfg, e.inst.ARN, amazonconnect.Options{Endpoint: e.hs.URL})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}, routemap.EUNAUTHORIZED, []string{e.inst.ARN, "AWS_ACCESS_KEY_ID"}},
		{"ErrAccessDenied", func(t *testing.T) *amazonconnect.Directory {
			key, err := e.srv.IssueAccessKey("ListQuickConnects")
			if err != nil {
				t.Fatal(err)
			}
			d, err := amazonconnect.NewDirectory(e.config(key.ID, key.Secret), e.inst.ARN, amazonconnect.Options{Endpoint: e.hs.URL})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}, routemap.EUNAUTHORIZED, []string{e.inst.ARN, "AccessDeniedException", "connect:ListQuickConnects"}},
		{"ErrUnknownInstance", func(t *testing.T) *amazonconnect.Directory {
			d, err := amazonconnect.NewDirectory(e.config(e.key.ID, e.key.Secret), otherInstance, amazonconnect.Options{Endpoint: e.hs.URL})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}, routemap.ENOTFOUND, []string{otherInstance, "instance ARN"}},
		{"ErrThrottledForever", func(t *testing.T) *amazonconnect.Directory {
			e.srv.SetThrottle(localconnect.Throttle{All: true})
			t.Cleanup(func() { e.srv.SetThrottle(localconnect.Throttle{}) })
			return e.directory(t, func(o *amazonconnect.Options) { o.MaxAttempts = 3 })
		}, routemap.ELIMIT, []string{"ListUsers", e.inst.ARN, "after 3 attempts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.dir(t).Agents(ctx)
			if got := routemap.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("ErrorCode = %q, want %q (err %v)", got, tt.wantCode, err)
			}
			msg := routemap.ErrorMessage(err)
			for _, s := range tt.wantIn {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q lacks %q", msg, s)
				}
			}
		})
	}
}

func TestAgentsThrottledThenRetried(t *testing.T) {
	e := newEnv(t)
	e.seed(t, 150, 100)
	e.srv.SetThrottle(localconnect.Throttle{Rate: 200, Burst: 2})
	d := e.directory(t, func(o *amazonconnect.Options) { o.MaxAttempts = 100 })
	agents, err := d.Agents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(agents) != 150 {
		t.Errorf("got %d agents, want 150", len(agents))
	}
	st := e.srv.Stats()
	if st.Throttled == 0 {
		t.Errorf("the server throttled nothing; the test proves no retrying")
	}
	sent := 0
	for _, n := range d.Requests() {
		sent += n
	}
	if sent != st.Total() || sent != 102+st.Throttled {
		t.Errorf("client sent %d requests, server saw %d with %d throttled; want 102 plus the throttled ones", sent, st.Total(), st.Throttled)
	}
}

func TestEndpointFromEnvironment(t *testing.T) {
	e := newEnv(t)
	e.seed(t, 2, 1)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_CONNECT":    e.hs.URL,
		"AWS_ACCESS_KEY_ID":           e.key.ID,
		"AWS_SECRET_ACCESS_KEY":       e.key.Secret,
		"AWS_REGION":                  "us-east-1",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_PROFILE":                 "",
		"AWS_SESSION_TOKEN":           "",
	} {
		t.Setenv(k, v)
	}
	os.Unsetenv("AWS_ENDPOINT_URL")
	os.Unsetenv("AWS_PROFILE")
	os.Unsetenv("AWS_SESSION_TOKEN")
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d, err := amazonconnect.NewDirectory(cfg, e.inst.ARN, amazonconnect.Options{Rate: amazonconnect.NoRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	agents, err := d.Agents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(agents) != 2 || agents[0].QuickConnectID == "" {
		t.Errorf("agents = %+v, want 2, the first with a quick connect", agents)
	}
	if src := d.Info().Source; !strings.Contains(src, e.hs.URL) {
		t.Errorf("Info().Source = %q, want the endpoint from AWS_ENDPOINT_URL_CONNECT", src)
	}
}

func TestNewDirectory(t *testing.T) {
	const instance = "arn:aws:connect:us-west-2:123456789012:instance/9a1b2c3d-0000-4000-8000-000000000000"
	cfg := aws.Config{Region: "us-west-2"}
	t.Run("Info", func(t *testing.T) {
		d, err := amazonconnect.NewDirectory(cfg, " "+instance+" ", amazonconnect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := routemap.DirectoryInfo{Provider: routemap.ProviderAmazonConnect, InstanceARN: instance,
			QuickConnects: true, Source: "Amazon Connect instance " + instance}
		if diff := cmp.Diff(want, d.Info()); diff != "" {
			t.Errorf("Info (-want +got):\n%s", diff)
		}
	})
	tests := []struct {
		name   string
		arn    string
		opts   amazonconnect.Options
		wantIn string
	}{
		{"ErrNotAnARN", "9a1b2c3d-0000-4000-8000-000000000000", amazonconnect.Options{}, "not an ARN"},
		{"ErrAgentARN", instance + "/agent/5e1f0c2a-0000-4000-8000-000000000009", amazonconnect.Options{}, "use the instance ARN " + instance},
		{"ErrEndpoint", instance, amazonconnect.Options{Endpoint: "localhost:4566"}, "not an http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := amazonconnect.NewDirectory(cfg, tt.arn, tt.opts)
			if routemap.ErrorCode(err) != routemap.EINVALID || !strings.Contains(routemap.ErrorMessage(err), tt.wantIn) {
				t.Errorf("err = %v, want EINVALID with %q", err, tt.wantIn)
			}
		})
	}
}
