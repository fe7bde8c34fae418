package localconnect_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"routemap/localconnect"
)

func TestAuthenticationWithSDK(t *testing.T) {
	e := newEnv(t)
	list := func(c *connect.Client) error {
		_, err := c.ListUsers(context.Background(), &connect.ListUsersInput{InstanceId: aws.String(e.inst.ID)})
		return err
	}
	tests := []struct {
		name string
		opt  func(*connect.Options)
		want string
	}{
		{"OK", func(*connect.Options) {}, ""},
		{"InvalidSignatureException", withKey(e.key.ID, "not-the-secret"), localconnect.CodeInvalidSignature},
		{"UnrecognizedClientException", withKey("AKIAUNKNOWNKEY000000", e.key.Secret), localconnect.CodeUnrecognizedClient},
		{"InvalidSignatureExceptionForRegion", func(o *connect.Options) { o.Region = "eu-west-1" }, localconnect.CodeInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apiCode(t, list(e.client(tt.opt, noRetries))); got != tt.want {
				t.Errorf("error code = %q, want %q", got, tt.want)
			}
		})
	}
	if got := e.srv.Stats().Refused; got != 3 {
		t.Errorf("Stats().Refused = %d, want 3", got)
	}
}

func TestAuthenticationRaw(t *testing.T) {
	e := newEnv(t)
	path := "/users-summary/" + e.inst.ID
	now := e.clock.Now()
	body := []byte(`{"Name":"x"}`)
	tests := []struct {
		name       string
		req        func() *http.Request
		wantStatus int
		wantCode   string
		wantIn     string
	}{
		{"OK", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			sign(t, r, nil, e.key, "connect", e.srv.Region(), now)
			return r
		}, 200, "", "UserSummaryList"},
		{"Unsigned", func() *http.Request {
			return e.rawRequest(t, "GET", path, nil)
		}, 403, localconnect.CodeMissingAuthenticationToken, "Missing Authentication Token"},
		{"Stale", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			sign(t, r, nil, e.key, "connect", e.srv.Region(), now.Add(-16*time.Minute))
			return r
		}, 403, localconnect.CodeInvalidSignature, "Signature expired"},
		{"FromTheFuture", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			sign(t, r, nil, e.key, "connect", e.srv.Region(), now.Add(16*time.Minute))
			return r
		}, 403, localconnect.CodeInvalidSignature, "not yet current"},
		{"WithinSkew", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			sign(t, r, nil, e.key, "connect", e.srv.Region(), now.Add(-14*time.Minute))
			return r
		}, 200, "", "UserSummaryList"},
		{"OtherService", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			sign(t, r, nil, e.key, "s3", e.srv.Region(), now)
			return r
		}, 403, localconnect.CodeInvalidSignature, "service"},
		{"TamperedBody", func() *http.Request {
			r := e.rawRequest(t, "PUT", "/quick-connects/"+e.inst.ID, body)
			sign(t, r, []byte(`{"Name":"y"}`), e.key, "connect", e.srv.Region(), now)
			return r
		}, 403, localconnect.CodeInvalidSignature, "does not match"},
		{"TamperedPath", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			sign(t, r, nil, e.key, "connect", e.srv.Region(), now)
			r.URL.Path = "/users-summary/" + strings.Replace(e.inst.ID, e.inst.ID[:1], "f", 1)
			return r
		}, 403, localconnect.CodeInvalidSignature, "does not match"},
		{"TamperedSignedHeader", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			r.Header.Set("X-Custom", "a")
			sign(t, r, nil, e.key, "connect", e.srv.Region(), now)
			r.Header.Set("X-Custom", "b")
			return r
		}, 403, localconnect.CodeInvalidSignature, "does not match"},
		{"UnsignedHeaderAddedLater", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			sign(t, r, nil, e.key, "connect", e.srv.Region(), now)
			r.Header.Set("X-Forwarded-For", "10.0.0.1")
			return r
		}, 200, "", "UserSummaryList"},
		{"SessionToken", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			r.Header.Set("X-Amz-Security-Token", "token")
			sign(t, r, nil, e.key, "connect", e.srv.Region(), now)
			return r
		}, 403, localconnect.CodeUnrecognizedClient, "security token"},
		{"Garbled", func() *http.Request {
			r := e.rawRequest(t, "GET", path, nil)
			r.Header.Set("Authorization", "Bearer abc")
			return r
		}, 403, localconnect.CodeIncompleteSignature, "Credential"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code, body := e.do(t, tt.req())
			if status != tt.wantStatus || code != tt.wantCode || !strings.Contains(body, tt.wantIn) {
				t.Errorf("got %d %q %s; want %d %q with %q", status, code, body, tt.wantStatus, tt.wantCode, tt.wantIn)
			}
		})
	}
}

func TestRevokedKey(t *testing.T) {
	e := newEnv(t)
	c := e.client(noRetries)
	if err := e.srv.RevokeAccessKey(e.key.ID); err != nil {
		t.Fatal(err)
	}
	_, err := c.ListUsers(context.Background(), &connect.ListUsersInput{InstanceId: aws.String(e.inst.ID)})
	if got := apiCode(t, err); got != localconnect.CodeUnrecognizedClient {
		t.Errorf("error code = %q, want %q", got, localconnect.CodeUnrecognizedClient)
	}
}

func TestRequestLimits(t *testing.T) {
	e := newEnv(t)
	t.Run("BodyTooLarge", func(t *testing.T) {
		body := []byte(`{"Name":"` + strings.Repeat("x", localconnect.MaxRequestBytes) + `"}`)
		r := e.rawRequest(t, "PUT", "/quick-connects/"+e.inst.ID, body)
		sign(t, r, body, e.key, "connect", e.srv.Region(), e.clock.Now())
		if status, code, _ := e.do(t, r); status != http.StatusRequestEntityTooLarge || code != localconnect.CodeRequestEntityTooLarge {
			t.Errorf("got %d %q, want 413 %s", status, code, localconnect.CodeRequestEntityTooLarge)
		}
	})
	t.Run("UnknownOperation", func(t *testing.T) {
		r := e.rawRequest(t, "GET", "/contact-flows/"+e.inst.ID, nil)
		sign(t, r, nil, e.key, "connect", e.srv.Region(), e.clock.Now())
		if status, code, _ := e.do(t, r); status != http.StatusNotFound || code != localconnect.CodeUnknownOperation {
			t.Errorf("got %d %q, want 404 %s", status, code, localconnect.CodeUnknownOperation)
		}
	})
	t.Run("MalformedJSON", func(t *testing.T) {
		body := []byte(`{"Name":`)
		r := e.rawRequest(t, "PUT", "/quick-connects/"+e.inst.ID, body)
		sign(t, r, body, e.key, "connect", e.srv.Region(), e.clock.Now())
		if status, code, _ := e.do(t, r); status != http.StatusBadRequest || code != localconnect.CodeInvalidRequest {
			t.Errorf("got %d %q, want 400 %s", status, code, localconnect.CodeInvalidRequest)
		}
	})
}

func TestThrottle(t *testing.T) {
	e := newEnv(t)
	c := e.client(noRetries)
	list := func() error {
		_, err := c.ListUsers(context.Background(), &connect.ListUsersInput{InstanceId: aws.String(e.inst.ID)})
		return err
	}

	t.Run("All", func(t *testing.T) {
		e.srv.SetThrottle(localconnect.Throttle{All: true})
		var th *types.ThrottlingException
		if err := list(); !errors.As(err, &th) {
			t.Fatalf("err = %v, want ThrottlingException", err)
		}
	})
	t.Run("TokenBucket", func(t *testing.T) {
		e.srv.SetThrottle(localconnect.Throttle{Rate: 2, Burst: 2})
		var got []string
		for range 3 {
			got = append(got, apiCode(t, list()))
		}
		e.clock.Advance(500 * time.Millisecond) // one token back
		got = append(got, apiCode(t, list()), apiCode(t, list()))
		want := []string{"", "", "ThrottlingException", "", "ThrottlingException"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("results = %q, want %q", got, want)
		}
	})
	t.Run("Off", func(t *testing.T) {
		e.srv.SetThrottle(localconnect.Throttle{})
		for range 10 {
			if err := list(); err != nil {
				t.Fatal(err)
			}
		}
	})
	st := e.srv.Stats()
	if st.Throttled != 3 || st.Requests["ListUsers"] != 16 {
		t.Errorf("Stats = %+v, want 3 throttled of 16 ListUsers", st)
	}
}

func TestAccessDenied(t *testing.T) {
	e := newEnv(t)
	key, err := e.srv.IssueAccessKey("CreateUser")
	if err != nil {
		t.Fatal(err)
	}
	c := e.client(withKey(key.ID, key.Secret), noRetries)
	ctx := context.Background()
	if _, err := c.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(e.inst.ID)}); err != nil {
		t.Fatalf("ListUsers with a key denied only CreateUser: %v", err)
	}
	_, err = c.CreateUser(ctx, &connect.CreateUserInput{
		InstanceId: aws.String(e.inst.ID), Username: aws.String("x"),
		SecurityProfileIds: []string{securityProfileID}, RoutingProfileId: aws.String(routingProfileID),
	})
	if got := apiCode(t, err); got != localconnect.CodeAccessDenied {
		t.Errorf("CreateUser error code = %q, want %q", got, localconnect.CodeAccessDenied)
	}
}
