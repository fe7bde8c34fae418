package localconnect_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/google/go-cmp/cmp"

	"routemap/localconnect"
)

func TestUserLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client()
	username := "jdoe@005Hs000000Kyjl@00DHs0000001aBc"

	created, err := c.CreateUser(ctx, &connect.CreateUserInput{
		InstanceId: aws.String(e.inst.ID),
		Username:   aws.String(username),
		IdentityInfo: &types.UserIdentityInfo{
			FirstName: aws.String("Jane"), LastName: aws.String("Doe"), Email: aws.String("jane@example.com"),
		},
		PhoneConfig: &types.UserPhoneConfig{
			PhoneType: types.PhoneTypeDeskPhone, DeskPhoneNumber: aws.String("+14155550100"),
			AutoAccept: true, AfterContactWorkTimeLimit: 30,
		},
		SecurityProfileIds: []string{securityProfileID},
		RoutingProfileId:   aws.String(routingProfileID),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(created.UserId)
	if got, want := aws.ToString(created.UserArn), e.inst.ARN+"/agent/"+id; got != want {
		t.Errorf("UserArn = %q, want %q", got, want)
	}

	t.Run("DescribeUser", func(t *testing.T) {
		out, err := c.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(e.inst.ID), UserId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		u := out.User
		got := []string{aws.ToString(u.Id), aws.ToString(u.Arn), aws.ToString(u.Username),
			aws.ToString(u.IdentityInfo.FirstName), aws.ToString(u.IdentityInfo.LastName), aws.ToString(u.IdentityInfo.Email),
			string(u.PhoneConfig.PhoneType), aws.ToString(u.PhoneConfig.DeskPhoneNumber), aws.ToString(u.RoutingProfileId),
			aws.ToString(u.LastModifiedRegion)}
		want := []string{id, aws.ToString(created.UserArn), username, "Jane", "Doe", "jane@example.com",
			"DESK_PHONE", "+14155550100", routingProfileID, "us-west-2"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("user (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{securityProfileID}, u.SecurityProfileIds); diff != "" {
			t.Errorf("SecurityProfileIds (-want +got):\n%s", diff)
		}
		if !u.PhoneConfig.AutoAccept || u.PhoneConfig.AfterContactWorkTimeLimit != 30 {
			t.Errorf("PhoneConfig = %+v", u.PhoneConfig)
		}
		// The wire carries milliseconds as epoch seconds; the SDK may lose
		// the last millisecond converting the float.
		if d := e.clock.Now().Sub(aws.ToTime(u.LastModifiedTime)); d < 0 || d > time.Millisecond {
			t.Errorf("LastModifiedTime = %v, want %v", aws.ToTime(u.LastModifiedTime), e.clock.Now())
		}
	})

	t.Run("SearchUsersExact", func(t *testing.T) {
		out, err := c.SearchUsers(ctx, &connect.SearchUsersInput{
			InstanceId: aws.String(e.inst.ARN),
			SearchCriteria: &types.UserSearchCriteria{StringCondition: &types.StringCondition{
				FieldName: aws.String("Username"), Value: aws.String(username), ComparisonType: types.StringComparisonTypeExact,
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Users) != 1 || aws.ToString(out.Users[0].Id) != id || aws.ToInt64(out.ApproximateTotalCount) != 1 {
			t.Fatalf("SearchUsers = %d users (total %d), want just %s", len(out.Users), aws.ToInt64(out.ApproximateTotalCount), id)
		}
		if got := aws.ToString(out.Users[0].IdentityInfo.FirstName); got != "Jane" {
			t.Errorf("IdentityInfo.FirstName = %q, want Jane", got)
		}
	})

	t.Run("DeleteUser", func(t *testing.T) {
		if _, err := c.DeleteUser(ctx, &connect.DeleteUserInput{InstanceId: aws.String(e.inst.ID), UserId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
		_, err := c.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(e.inst.ID), UserId: aws.String(id)})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("DescribeUser after delete: err = %v, want ResourceNotFoundException", err)
		}
	})
}

func TestCreateUserErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	if _, err := e.srv.CreateUser(e.inst.ID, user("taken")); err != nil {
		t.Fatal(err)
	}
	input := func(instance, username string) *connect.CreateUserInput {
		return &connect.CreateUserInput{
			InstanceId: aws.String(instance), Username: aws.String(username),
			SecurityProfileIds: []string{securityProfileID}, RoutingProfileId: aws.String(routingProfileID),
		}
	}
	tests := []struct {
		name string
		in   *connect.CreateUserInput
		want any
	}{
		{"DuplicateResourceException", input(e.inst.ID, "taken"), new(*types.DuplicateResourceException)},
		{"InvalidParameterException", input(e.inst.ID, "no spaces allowed"), new(*types.InvalidParameterException)},
		{"ResourceNotFoundException", input("00000000-0000-4000-8000-000000000000", "someone"), new(*types.ResourceNotFoundException)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateUser(context.Background(), tt.in)
			if !errors.As(err, tt.want) {
				t.Fatalf("err = %v (%T), want %s", err, err, tt.name)
			}
		})
	}
}

func TestListUsersPaging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	seeded := e.seedUsers(t, 250)
	c := e.client()

	pages := 0
	seen := map[string]bool{}
	p := connect.NewListUsersPaginator(c, &connect.ListUsersInput{InstanceId: aws.String(e.inst.ID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range out.UserSummaryList {
			if seen[aws.ToString(u.Id)] {
				t.Errorf("user %s listed twice", aws.ToString(u.Id))
			}
			seen[aws.ToString(u.Id)] = true
			if !strings.HasSuffix(aws.ToString(u.Arn), "/agent/"+aws.ToString(u.Id)) || u.LastModifiedTime == nil {
				t.Errorf("summary %+v lacks its ARN or LastModifiedTime", u)
			}
		}
	}
	if pages != 3 || len(seen) != len(seeded) {
		t.Errorf("got %d pages, %d users; want 3 pages, %d users", pages, len(seen), len(seeded))
	}
	if got := e.srv.Stats().Requests["ListUsers"]; got != 3 {
		t.Errorf("server saw %d ListUsers requests, want 3", got)
	}

	t.Run("DefaultPageSize", func(t *testing.T) {
		out, err := c.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(e.inst.ID)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.UserSummaryList) != 100 || out.NextToken == nil {
			t.Errorf("got %d users (next %v), want 100 and a next token", len(out.UserSummaryList), out.NextToken)
		}
	})
	t.Run("InstanceARN", func(t *testing.T) {
		out, err := c.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(e.inst.ARN), MaxResults: aws.Int32(1000)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.UserSummaryList) != 250 || out.NextToken != nil {
			t.Errorf("got %d users (next %v), want 250 and no next token", len(out.UserSummaryList), out.NextToken)
		}
	})
	t.Run("ErrMaxResults", func(t *testing.T) {
		_, err := c.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(e.inst.ID), MaxResults: aws.Int32(1001)})
		var ip *types.InvalidParameterException
		if !errors.As(err, &ip) {
			t.Fatalf("err = %v, want InvalidParameterException", err)
		}
	})
	t.Run("ErrNextToken", func(t *testing.T) {
		_, err := c.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(e.inst.ID), NextToken: aws.String("bogus")})
		var ip *types.InvalidParameterException
		if !errors.As(err, &ip) {
			t.Fatalf("err = %v, want InvalidParameterException", err)
		}
	})
	t.Run("ErrInstanceARNOfOtherAccount", func(t *testing.T) {
		other := strings.Replace(e.inst.ARN, ":"+e.inst.Account+":", ":999999999999:", 1)
		_, err := c.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(other)})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("err = %v, want ResourceNotFoundException", err)
		}
	})
}

func TestSearchUsers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.seedUsers(t, 30) // user0000 … user0029
	c := e.client()
	search := func(criteria *types.UserSearchCriteria, max int32) ([]string, int64) {
		t.Helper()
		var names []string
		var total int64
		p := connect.NewSearchUsersPaginator(c, &connect.SearchUsersInput{
			InstanceId: aws.String(e.inst.ID), SearchCriteria: criteria, MaxResults: aws.Int32(max),
		})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			total = aws.ToInt64(out.ApproximateTotalCount)
			for _, u := range out.Users {
				names = append(names, aws.ToString(u.Username))
			}
		}
		return names, total
	}
	cond := func(field, value string, ct types.StringComparisonType) *types.UserSearchCriteria {
		return &types.UserSearchCriteria{StringCondition: &types.StringCondition{FieldName: aws.String(field), Value: aws.String(value), ComparisonType: ct}}
	}

	t.Run("Exact", func(t *testing.T) {
		names, total := search(cond("Username", "user0007", types.StringComparisonTypeExact), 10)
		if diff := cmp.Diff([]string{"user0007"}, names); diff != "" || total != 1 {
			t.Errorf("names (-want +got):\n%s total %d", diff, total)
		}
	})
	t.Run("ExactIsCaseSensitive", func(t *testing.T) {
		names, _ := search(cond("Username", "USER0007", types.StringComparisonTypeExact), 10)
		if len(names) != 0 {
			t.Errorf("names = %v, want none", names)
		}
	})
	t.Run("StartsWithPaged", func(t *testing.T) {
		names, total := search(cond("Username", "user001", types.StringComparisonTypeStartsWith), 3)
		if len(names) != 10 || total != 10 {
			t.Errorf("got %d names (total %d), want 10: %v", len(names), total, names)
		}
	})
	t.Run("OrConditions", func(t *testing.T) {
		names, _ := search(&types.UserSearchCriteria{OrConditions: []types.UserSearchCriteria{
			*cond("Username", "user0001", types.StringComparisonTypeExact),
			*cond("Username", "user0002", types.StringComparisonTypeExact),
		}}, 10)
		if len(names) != 2 {
			t.Errorf("names = %v, want user0001 and user0002", names)
		}
	})
	t.Run("ErrSearchFilter", func(t *testing.T) {
		_, err := c.SearchUsers(ctx, &connect.SearchUsersInput{
			InstanceId:   aws.String(e.inst.ID),
			SearchFilter: &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{}},
		})
		var ip *types.InvalidParameterException
		if !errors.As(err, &ip) {
			t.Fatalf("err = %v, want InvalidParameterException", err)
		}
	})
}

func TestSeedErrors(t *testing.T) {
	e := newEnv(t)
	_, err := e.srv.CreateUsers(e.inst.ID, []localconnect.User{user("a"), user("b"), user("a")})
	var le *localconnect.Error
	if !errors.As(err, &le) || le.Code != localconnect.CodeDuplicateResource {
		t.Fatalf("err = %v, want DuplicateResourceException", err)
	}
	// All or none: the batch left nothing behind.
	out, err := e.client().ListUsers(context.Background(), &connect.ListUsersInput{InstanceId: aws.String(e.inst.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.UserSummaryList) != 0 {
		t.Errorf("a failed batch left %d users", len(out.UserSummaryList))
	}
}
