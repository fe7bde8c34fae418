package localconnect_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"routemap/localconnect"
)

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "connect.json")
	withState := func(o *localconnect.Options) { o.StatePath = path }
	ctx := context.Background()

	first := newEnv(t, withState)
	users := first.seedUsers(t, 3)
	created, err := first.client().CreateQuickConnect(ctx, &connect.CreateQuickConnectInput{
		InstanceId: aws.String(first.inst.ID), Name: aws.String("agent"),
		QuickConnectConfig: &types.QuickConnectConfig{
			QuickConnectType: types.QuickConnectTypeUser,
			UserConfig:       &types.UserQuickConnectConfig{UserId: aws.String(users[0].ID), ContactFlowId: aws.String(contactFlowID)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode = %o, want 600", mode)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("state directory holds %d files, want only the state file (no temporary files left)", len(entries))
	}

	// A new server on the same file knows the instance, the users, the
	// quick connect and the access key.
	second := newEnv(t, withState)
	second.key = first.key
	if second.inst != first.inst {
		t.Fatalf("instance after restart = %+v, want %+v", second.inst, first.inst)
	}
	c := second.client()
	out, err := c.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(second.inst.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.UserSummaryList) != 3 {
		t.Errorf("users after restart = %d, want 3", len(out.UserSummaryList))
	}
	got := describe(t, c, second.inst.ID, aws.ToString(created.QuickConnectId))
	if got.UserID != users[0].ID {
		t.Errorf("quick connect after restart targets %q, want %q", got.UserID, users[0].ID)
	}
}

func TestStateFileErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "connect.json")
	if err := os.WriteFile(path, []byte(`{"version": 99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := localconnect.New(localconnect.Options{StatePath: path}); err == nil {
		t.Error("New accepted a state file of an unknown version")
	}
	if err := os.WriteFile(path, []byte(`{`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := localconnect.New(localconnect.Options{StatePath: path}); err == nil {
		t.Error("New accepted a malformed state file")
	}
	if _, err := localconnect.New(localconnect.Options{Region: "Mars"}); err == nil {
		t.Error("New accepted region Mars")
	}
}
