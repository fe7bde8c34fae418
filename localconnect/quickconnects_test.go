package localconnect_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/google/go-cmp/cmp"

	"routemap/localconnect"
)

func TestQuickConnects(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	users := e.seedUsers(t, 2)
	c := e.client()
	create := func(name string, cfg *types.QuickConnectConfig) (*connect.CreateQuickConnectOutput, error) {
		return c.CreateQuickConnect(ctx, &connect.CreateQuickConnectInput{
			InstanceId: aws.String(e.inst.ID), Name: aws.String(name), QuickConnectConfig: cfg,
		})
	}
	userConfig := func(userID string) *types.QuickConnectConfig {
		return &types.QuickConnectConfig{
			QuickConnectType: types.QuickConnectTypeUser,
			UserConfig:       &types.UserQuickConnectConfig{UserId: aws.String(userID), ContactFlowId: aws.String(contactFlowID)},
		}
	}

	agent, err := create("agent-0", userConfig(users[0].ID))
	if err != nil {
		t.Fatal(err)
	}
	agentID := aws.ToString(agent.QuickConnectId)
	if got, want := aws.ToString(agent.QuickConnectARN), e.inst.ARN+"/transfer-destination/"+agentID; got != want {
		t.Errorf("QuickConnectARN = %q, want %q", got, want)
	}
	if _, err := create("queue", &types.QuickConnectConfig{
		QuickConnectType: types.QuickConnectTypeQueue,
		QueueConfig:      &types.QueueQuickConnectConfig{QueueId: aws.String(queueID), ContactFlowId: aws.String(contactFlowID)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := create("outside", &types.QuickConnectConfig{
		QuickConnectType: types.QuickConnectTypePhoneNumber,
		PhoneConfig:      &types.PhoneNumberQuickConnectConfig{PhoneNumber: aws.String("+442079460000")},
	}); err != nil {
		t.Fatal(err)
	}

	t.Run("ListFilteredByType", func(t *testing.T) {
		out, err := c.ListQuickConnects(ctx, &connect.ListQuickConnectsInput{
			InstanceId: aws.String(e.inst.ID), QuickConnectTypes: []types.QuickConnectType{types.QuickConnectTypeUser},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.QuickConnectSummaryList) != 1 || aws.ToString(out.QuickConnectSummaryList[0].Id) != agentID ||
			out.QuickConnectSummaryList[0].QuickConnectType != types.QuickConnectTypeUser || out.QuickConnectSummaryList[0].LastModifiedTime == nil {
			t.Errorf("USER quick connects = %+v, want just %s", out.QuickConnectSummaryList, agentID)
		}
		out, err = c.ListQuickConnects(ctx, &connect.ListQuickConnectsInput{
			InstanceId:        aws.String(e.inst.ID),
			QuickConnectTypes: []types.QuickConnectType{types.QuickConnectTypeQueue, types.QuickConnectTypePhoneNumber},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.QuickConnectSummaryList) != 2 {
			t.Errorf("QUEUE and PHONE_NUMBER quick connects = %d, want 2", len(out.QuickConnectSummaryList))
		}
	})

	t.Run("ListPaged", func(t *testing.T) {
		var ids []string
		p := connect.NewListQuickConnectsPaginator(c, &connect.ListQuickConnectsInput{InstanceId: aws.String(e.inst.ID), MaxResults: aws.Int32(1)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range out.QuickConnectSummaryList {
				ids = append(ids, aws.ToString(q.Id))
			}
		}
		if len(ids) != 3 {
			t.Errorf("listed %d quick connects one a page, want 3", len(ids))
		}
	})

	var before describeResult
	t.Run("Describe", func(t *testing.T) {
		before = describe(t, c, e.inst.ID, agentID)
		want := describeResult{Name: "agent-0", Type: "USER", UserID: users[0].ID, ContactFlowID: contactFlowID, ARN: aws.ToString(agent.QuickConnectARN)}
		got := before
		got.Modified = want.Modified
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("DescribeQuickConnect (-want +got):\n%s", diff)
		}
	})

	t.Run("UpdateConfigMovesLastModifiedTime", func(t *testing.T) {
		if _, err := c.UpdateQuickConnectConfig(ctx, &connect.UpdateQuickConnectConfigInput{
			InstanceId: aws.String(e.inst.ID), QuickConnectId: aws.String(agentID), QuickConnectConfig: userConfig(users[1].ID),
		}); err != nil {
			t.Fatal(err)
		}
		after := describe(t, c, e.inst.ID, agentID)
		if after.UserID != users[1].ID || !after.Modified.After(before.Modified) {
			t.Errorf("after update: user %s modified %v; want user %s modified after %v", after.UserID, after.Modified, users[1].ID, before.Modified)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		tests := []struct {
			name string
			err  func() error
			want any
		}{
			{"ResourceNotFoundExceptionForUser", func() error {
				_, err := create("ghost", userConfig("00000000-0000-4000-8000-00000000dead"))
				return err
			}, new(*types.ResourceNotFoundException)},
			{"DuplicateResourceException", func() error {
				_, err := create("agent-0", userConfig(users[1].ID))
				return err
			}, new(*types.DuplicateResourceException)},
			{"InvalidParameterExceptionForMixedConfig", func() error {
				cfg := userConfig(users[1].ID)
				cfg.QueueConfig = &types.QueueQuickConnectConfig{QueueId: aws.String(queueID), ContactFlowId: aws.String(contactFlowID)}
				_, err := create("mixed", cfg)
				return err
			}, new(*types.InvalidParameterException)},
			{"InvalidParameterExceptionForType", func() error {
				_, err := c.ListQuickConnects(ctx, &connect.ListQuickConnectsInput{
					InstanceId: aws.String(e.inst.ID), QuickConnectTypes: []types.QuickConnectType{"AGENT"},
				})
				return err
			}, new(*types.InvalidParameterException)},
			{"ResourceNotFoundExceptionForQuickConnect", func() error {
				_, err := c.DescribeQuickConnect(ctx, &connect.DescribeQuickConnectInput{
					InstanceId: aws.String(e.inst.ID), QuickConnectId: aws.String("00000000-0000-4000-8000-00000000dead"),
				})
				return err
			}, new(*types.ResourceNotFoundException)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := tt.err(); !errors.As(err, tt.want) {
					t.Fatalf("err = %v (%T), want %s", err, err, tt.name)
				}
			})
		}
	})

	t.Run("Delete", func(t *testing.T) {
		if _, err := c.DeleteQuickConnect(ctx, &connect.DeleteQuickConnectInput{
			InstanceId: aws.String(e.inst.ID), QuickConnectId: aws.String(agentID),
		}); err != nil {
			t.Fatal(err)
		}
		_, err := c.DescribeQuickConnect(ctx, &connect.DescribeQuickConnectInput{InstanceId: aws.String(e.inst.ID), QuickConnectId: aws.String(agentID)})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("DescribeQuickConnect after delete: err = %v, want ResourceNotFoundException", err)
		}
	})
}

func TestSeedQuickConnectTargetsUser(t *testing.T) {
	e := newEnv(t)
	_, err := e.srv.CreateQuickConnect(e.inst.ID, localconnect.QuickConnect{
		Name: "nobody", Type: localconnect.QuickConnectUser, UserID: "00000000-0000-4000-8000-00000000dead", ContactFlowID: contactFlowID,
	})
	var le *localconnect.Error
	if !errors.As(err, &le) || le.Code != localconnect.CodeResourceNotFound {
		t.Fatalf("err = %v, want ResourceNotFoundException", err)
	}
}
