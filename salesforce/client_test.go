package salesforce_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/salesforce"
)

func TestNew(t *testing.T) {
	auth := salesforce.StaticToken{AccessToken: token}
	for _, tc := range []struct {
		name, url string
		opts      salesforce.Options
		wantErr   bool
	}{
		{"OK", instance, salesforce.Options{Auth: auth}, false},
		{"OKTrailingSlash", instance + "/", salesforce.Options{Auth: auth}, false},
		{"OKNoURL", "", salesforce.Options{Auth: auth}, false},
		{"ErrNoAuth", instance, salesforce.Options{}, true},
		{"ErrRelativeURL", "acme.my.salesforce.com", salesforce.Options{Auth: auth}, true},
		{"ErrFTP", "ftp://acme", salesforce.Options{Auth: auth}, true},
		{"ErrVersion", instance, salesforce.Options{Auth: auth, APIVersion: "sixty-two"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := salesforce.New(tc.url, tc.opts)
			if got := err != nil; got != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && routemap.ErrorCode(err) != routemap.EINVALID {
				t.Errorf("code = %s, want invalid", routemap.ErrorCode(err))
			}
			if err == nil && c.APIVersion() != "62.0" {
				t.Errorf("APIVersion = %s", c.APIVersion())
			}
		})
	}
}

func TestNewNoInstanceURL(t *testing.T) {
	reg := newRegistry(t)
	c, err := salesforce.New("", salesforce.Options{HTTPClient: reg.Client(), Auth: salesforce.StaticToken{AccessToken: token}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Versions(context.Background())
	if routemap.ErrorCode(err) != routemap.EINVALID {
		t.Fatalf("err = %v, want EINVALID for a missing instance URL", err)
	}
}

func TestRequestHeaders(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", "/services/data/", jsonAnswer(200, []map[string]string{{"label": "Winter '25", "url": v, "version": "62.0"}})).
		Check(func(t *testing.T, req *http.Request, body []byte) {
			if got := req.Header.Get("Authorization"); got != "Bearer "+token {
				t.Errorf("Authorization = %q", got)
			}
			if got := req.Header.Get("User-Agent"); got != "routemap-test" {
				t.Errorf("User-Agent = %q", got)
			}
			if got := req.URL.String(); got != instance+"/services/data/" {
				t.Errorf("URL = %q", got)
			}
		})
	c, _ := newClient(t, reg, func(o *salesforce.Options) { o.UserAgent = "routemap-test" })
	got, err := c.Versions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []salesforce.Version{{Label: "Winter '25", URL: v, Version: "62.0"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
}

// TestErrorMapping checks the inverse of package http's table: each
// Salesforce error answer becomes a *routemap.Error with the mapped Code,
// the Salesforce code as Reason, and Message and Fields kept.
func TestErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer responder
		want   *routemap.Error
	}{
		{"NotFound", sfErrors(404, "NOT_FOUND", "The requested resource does not exist"),
			&routemap.Error{Code: routemap.ENOTFOUND, Reason: "NOT_FOUND", Message: "The requested resource does not exist"}},
		{"EntityIsDeleted", sfErrors(404, "ENTITY_IS_DELETED", "entity is deleted"),
			&routemap.Error{Code: routemap.ENOTFOUND, Reason: "ENTITY_IS_DELETED", Message: "entity is deleted"}},
		{"InsufficientAccess", sfErrors(400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id"),
			&routemap.Error{Code: routemap.EFORBIDDEN, Reason: "INSUFFICIENT_ACCESS_OR_READONLY", Message: "insufficient access rights on object id"}},
		{"APIDisabled", sfErrors(403, "API_CURRENTLY_DISABLED", "API is disabled for this User"),
			&routemap.Error{Code: routemap.EFORBIDDEN, Reason: "API_CURRENTLY_DISABLED", Message: "API is disabled for this User"}},
		{"DuplicateValue", jsonAnswer(400, []map[string]any{{"message": "duplicate value found: DeveloperName duplicates value on record with id: 0Rm000000000001", "errorCode": "DUPLICATE_VALUE", "fields": []string{"DeveloperName"}}}),
			&routemap.Error{Code: routemap.ECONFLICT, Reason: "DUPLICATE_VALUE", Message: "duplicate value found: DeveloperName duplicates value on record with id: 0Rm000000000001", Fields: []string{"DeveloperName"}}},
		{"DuplicateDeveloperName", sfErrors(400, "DUPLICATE_DEVELOPER_NAME", "duplicate name"),
			&routemap.Error{Code: routemap.ECONFLICT, Reason: "DUPLICATE_DEVELOPER_NAME", Message: "duplicate name"}},
		{"RequiredFieldMissing", jsonAnswer(400, []map[string]any{{"message": "Required fields are missing: [CallCenterId, ExternalId]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": []string{"CallCenterId", "ExternalId"}}}),
			&routemap.Error{Code: routemap.EINVALID, Reason: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [CallCenterId, ExternalId]", Fields: []string{"CallCenterId", "ExternalId"}}},
		{"MalformedQuery", sfErrors(400, "MALFORMED_QUERY", "unexpected token: FORM"),
			&routemap.Error{Code: routemap.EINVALID, Reason: "MALFORMED_QUERY", Message: "unexpected token: FORM"}},
		{"SeveralErrors", jsonAnswer(400, []map[string]any{
			{"message": "Call Center ID: id value of incorrect type: 005", "errorCode": "MALFORMED_ID", "fields": []string{"CallCenterId"}},
			{"message": "data value too large", "errorCode": "STRING_TOO_LONG", "fields": []string{"MasterLabel"}},
		}), &routemap.Error{Code: routemap.EINVALID, Reason: "MALFORMED_ID", Message: "Call Center ID: id value of incorrect type: 005; STRING_TOO_LONG: data value too large", Fields: []string{"CallCenterId", "MasterLabel"}}},
		{"UnknownCode404", sfErrors(404, "INVALID_TYPE", "sObject type 'Foo' is not supported"),
			&routemap.Error{Code: routemap.ENOTFOUND, Reason: "INVALID_TYPE", Message: "sObject type 'Foo' is not supported"}},
		{"UnknownException", sfErrors(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred. ErrorId: 1234"),
			&routemap.Error{Code: routemap.EINTERNAL, Reason: "UNKNOWN_EXCEPTION", Message: "An unexpected error occurred. ErrorId: 1234"}},
		{"SingleObject", jsonAnswer(400, map[string]any{"message": "bad job", "errorCode": "INVALIDJOB"}),
			&routemap.Error{Code: routemap.EINVALID, Reason: "INVALIDJOB", Message: "bad job"}},
		{"HTMLPage", rawAnswer(400, "text/html", "<html><body>Bad request</body></html>"),
			&routemap.Error{Code: routemap.EINVALID, Reason: "ERROR_HTTP_400", Message: "400 Bad Request"}},
		{"PlainText", rawAnswer(405, "text/plain", "method not allowed here"),
			&routemap.Error{Code: routemap.EINVALID, Reason: "ERROR_HTTP_405", Message: "method not allowed here"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := newRegistry(t)
			reg.Register("GET", v+"/sobjects/CallCenterRoutingMap/0RmHs0000000AbCKAU", tc.answer)
			c, sl := newClient(t, reg)
			_, err := c.Retrieve(context.Background(), "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
			var got *routemap.Error
			if !errors.As(err, &got) {
				t.Fatalf("err = %#v, want a *routemap.Error in the chain", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if routemap.ErrorCode(err) != tc.want.Code {
				t.Errorf("ErrorCode = %s", routemap.ErrorCode(err))
			}
			if len(sl.Delays()) != 0 {
				t.Errorf("retried after %v", sl.Delays())
			}
		})
	}
}

func TestParseBulkError(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want *routemap.Error
	}{
		{"REQUIRED_FIELD_MISSING:Required fields are missing: [CallCenterId]:CallCenterId --",
			&routemap.Error{Code: routemap.EINVALID, Reason: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [CallCenterId]", Fields: []string{"CallCenterId"}}},
		{"INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--",
			&routemap.Error{Code: routemap.EINVALID, Reason: "INVALID_CROSS_REFERENCE_KEY", Message: "invalid cross reference id"}},
		{"DUPLICATE_VALUE:duplicate value found: DeveloperName duplicates value on record with id: 0Rm:DeveloperName --",
			&routemap.Error{Code: routemap.ECONFLICT, Reason: "DUPLICATE_VALUE", Message: "duplicate value found: DeveloperName duplicates value on record with id: 0Rm", Fields: []string{"DeveloperName"}}},
		{"ENTITY_IS_DELETED:entity is deleted:--",
			&routemap.Error{Code: routemap.ENOTFOUND, Reason: "ENTITY_IS_DELETED", Message: "entity is deleted"}},
		{"something odd happened",
			&routemap.Error{Code: routemap.EINVALID, Message: "something odd happened"}},
	} {
		t.Run(tc.want.Reason, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, salesforce.ParseBulkError(tc.in)); diff != "" {
				t.Errorf("ParseBulkError(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", "/services/data/", jsonAnswer(200, []any{}, "Sforce-Limit-Info", "api-usage=18/15000"))
	reg.Register("GET", "/services/data/", jsonAnswer(200, []any{}, "Sforce-Limit-Info", "api-usage=25/15000; per-app-api-usage=17/250(appName=routemap)"))
	reg.Register("GET", "/services/data/", jsonAnswer(200, []any{}))
	c, _ := newClient(t, reg)
	if got := c.Limits(); got.Remaining() != -1 || !got.Updated.IsZero() {
		t.Errorf("limits before any request = %+v", got)
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for i, want := range []salesforce.Limits{
		{Used: 18, Max: 15000, Updated: now},
		{Used: 25, Max: 15000, AppUsed: 17, AppMax: 250, App: "routemap", Updated: now},
		{Used: 25, Max: 15000, AppUsed: 17, AppMax: 250, App: "routemap", Updated: now}, // no header: kept
	} {
		if _, err := c.Versions(ctx); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, c.Limits()); diff != "" {
			t.Errorf("request %d: limits (-want +got):\n%s", i+1, diff)
		}
	}
	if got := c.Limits().Remaining(); got != 14975 {
		t.Errorf("Remaining = %d", got)
	}
}

const mapPath = v + "/sobjects/CallCenterRoutingMap/0RmHs0000000AbCKAU"

func TestRetry(t *testing.T) {
	ctx := context.Background()
	ok := jsonAnswer(200, map[string]any{"Id": "0RmHs0000000AbCKAU"})
	ms := time.Millisecond

	t.Run("OK503Backoff", func(t *testing.T) {
		reg := newRegistry(t)
		for i := 0; i < 3; i++ {
			reg.Register("GET", mapPath, rawAnswer(503, "text/html", "<html>Service Unavailable</html>"))
		}
		reg.Register("GET", mapPath, ok)
		c, sl := newClient(t, reg)
		if _, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]time.Duration{500 * ms, 1000 * ms, 2000 * ms}, sl.Delays()); diff != "" {
			t.Errorf("delays (-want +got):\n%s", diff)
		}
	})

	t.Run("ErrGivesUpAfterMaxRetriesWithCap", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", mapPath, sfErrors(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")).Times(8)
		c, sl := newClient(t, reg, func(o *salesforce.Options) {
			o.MaxRetries = 7
			o.RetryMax = 10 * time.Second
		})
		_, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
		if routemap.ErrorCode(err) != routemap.ELIMIT {
			t.Fatalf("err = %v, want ELIMIT", err)
		}
		want := []time.Duration{500 * ms, 1000 * ms, 2000 * ms, 4000 * ms, 8000 * ms, 10000 * ms, 10000 * ms}
		if diff := cmp.Diff(want, sl.Delays()); diff != "" {
			t.Errorf("delays (-want +got):\n%s", diff)
		}
	})

	t.Run("OKFullJitterWithinCeilings", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", mapPath, rawAnswer(502, "", "")).Times(5)
		reg.Register("GET", mapPath, ok)
		c, sl := newClient(t, reg, func(o *salesforce.Options) { o.Jitter = nil })
		if _, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU"); err != nil {
			t.Fatal(err)
		}
		got := sl.Delays()
		if len(got) != 5 {
			t.Fatalf("delays = %v, want 5", got)
		}
		for i, d := range got {
			if ceiling := (500 * ms) << i; d < 0 || d >= ceiling {
				t.Errorf("delay %d = %v, want in [0, %v)", i, d, ceiling)
			}
		}
	})

	t.Run("OKRetryAfter", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", mapPath, rawAnswer(429, "", "", "Retry-After", "7"))
		reg.Register("GET", mapPath, rawAnswer(503, "", "", "Retry-After", "Wed, 25 Nov 2026 12:00:03 GMT"))
		reg.Register("GET", mapPath, ok)
		c, sl := newClient(t, reg)
		if _, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]time.Duration{7 * time.Second, 3 * time.Second}, sl.Delays()); diff != "" {
			t.Errorf("delays (-want +got):\n%s", diff)
		}
	})

	t.Run("ErrRetryAfterTooLong", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", mapPath, rawAnswer(503, "", "", "Retry-After", "3600"))
		c, sl := newClient(t, reg)
		_, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
		if routemap.ErrorCode(err) != routemap.EINTERNAL {
			t.Fatalf("err = %v, want EINTERNAL", err)
		}
		if len(sl.Delays()) != 0 {
			t.Errorf("waited %v", sl.Delays())
		}
	})

	t.Run("ErrNoRetryOn400", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", mapPath, sfErrors(400, "MALFORMED_ID", "malformed id"))
		c, sl := newClient(t, reg)
		_, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
		if routemap.ErrorCode(err) != routemap.EINVALID {
			t.Fatalf("err = %v", err)
		}
		if len(sl.Delays()) != 0 {
			t.Errorf("retried after %v", sl.Delays())
		}
	})

	t.Run("ErrNoRetryWhenDailyLimitSpent", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", mapPath, sfErrors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", "Sforce-Limit-Info", "api-usage=15001/15000"))
		c, sl := newClient(t, reg)
		_, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
		if routemap.ErrorCode(err) != routemap.ELIMIT {
			t.Fatalf("err = %v, want ELIMIT", err)
		}
		if len(sl.Delays()) != 0 {
			t.Errorf("retried after %v", sl.Delays())
		}
		if !c.Limits().Exhausted() {
			t.Errorf("limits = %+v, want exhausted", c.Limits())
		}
	})

	t.Run("OKConnectionErrorOnGet", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", mapPath, failWith(errors.New("connection reset by peer")))
		reg.Register("GET", mapPath, ok)
		c, sl := newClient(t, reg)
		if _, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU"); err != nil {
			t.Fatal(err)
		}
		if len(sl.Delays()) != 1 {
			t.Errorf("delays = %v", sl.Delays())
		}
	})

	create := v + "/sobjects/CallCenterRoutingMap"
	created := jsonAnswer(201, map[string]any{"id": "0RmHs0000000AbCKAU", "success": true, "errors": []any{}})
	t.Run("ErrPostNotRetriedOn503", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("POST", create, rawAnswer(503, "", ""))
		c, sl := newClient(t, reg)
		if _, err := c.Create(ctx, "CallCenterRoutingMap", map[string]any{"DeveloperName": "x"}); err == nil {
			t.Fatal("no error")
		}
		if len(sl.Delays()) != 0 {
			t.Errorf("retried a create after %v", sl.Delays())
		}
	})

	t.Run("ErrPostNotRetriedOnReset", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("POST", create, failWith(errors.New("connection reset by peer")))
		c, sl := newClient(t, reg)
		if _, err := c.Create(ctx, "CallCenterRoutingMap", map[string]any{"DeveloperName": "x"}); err == nil {
			t.Fatal("no error")
		}
		if len(sl.Delays()) != 0 {
			t.Errorf("retried a create after %v", sl.Delays())
		}
	})

	t.Run("OKPostRetriedOnDialError", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("POST", create, failWith(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}))
		reg.Register("POST", create, created)
		c, sl := newClient(t, reg)
		id, err := c.Create(ctx, "CallCenterRoutingMap", map[string]any{"DeveloperName": "x"})
		if err != nil || id != "0RmHs0000000AbCKAU" {
			t.Fatalf("Create = %q, %v", id, err)
		}
		if len(sl.Delays()) != 1 {
			t.Errorf("delays = %v", sl.Delays())
		}
		reqs := reg.Requests()
		if string(reqs[0].Body) != string(reqs[1].Body) || len(reqs[1].Body) == 0 {
			t.Errorf("retried body %q differs from %q", reqs[1].Body, reqs[0].Body)
		}
	})

	t.Run("OKPostRetriedOnRequestLimit", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("POST", create, sfErrors(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."))
		reg.Register("POST", create, created)
		c, _ := newClient(t, reg)
		if _, err := c.Create(ctx, "CallCenterRoutingMap", map[string]any{"DeveloperName": "x"}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ErrContextCanceledDuringBackoff", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", mapPath, rawAnswer(503, "", ""))
		c, _ := newClient(t, reg)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := c.Retrieve(cctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})

	t.Run("OKRetriesDisabled", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("GET", mapPath, rawAnswer(503, "", ""))
		c, _ := newClient(t, reg, func(o *salesforce.Options) { o.MaxRetries = -1 })
		if _, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU"); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestCRUD(t *testing.T) {
	ctx := context.Background()
	reg := newRegistry(t)
	reg.Register("POST", v+"/sobjects/CallCenterRoutingMap", jsonAnswer(201, map[string]any{"id": "0RmHs0000000AbCKAU", "success": true, "errors": []any{}})).
		Check(func(t *testing.T, req *http.Request, body []byte) {
			if got := req.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
			if want := `{"DeveloperName":"User_a","QuickConnect":null}`; string(body) != want {
				t.Errorf("body = %s, want %s", body, want)
			}
		})
	reg.Register("GET", mapPath+"?fields=Id,DeveloperName", jsonAnswer(200, map[string]any{
		"attributes": map[string]any{"type": "CallCenterRoutingMap", "url": mapPath}, "Id": "0RmHs0000000AbCKAU", "DeveloperName": "User_a"}))
	reg.Register("PATCH", mapPath, noContent()).Check(func(t *testing.T, req *http.Request, body []byte) {
		if want := `{"ExternalId":"jdoe"}`; string(body) != want {
			t.Errorf("body = %s, want %s (no Id)", body, want)
		}
	})
	reg.Register("DELETE", mapPath, noContent())
	c, _ := newClient(t, reg)

	id, err := c.Create(ctx, "CallCenterRoutingMap", map[string]any{"DeveloperName": "User_a", "QuickConnect": nil})
	if err != nil || id != "0RmHs0000000AbCKAU" {
		t.Fatalf("Create = %q, %v", id, err)
	}
	rec, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbC", "Id", "DeveloperName")
	if err != nil {
		t.Fatal(err)
	}
	if rec.ID() != "0RmHs0000000AbCKAU" || rec.String("DeveloperName") != "User_a" || rec.Type() != "CallCenterRoutingMap" {
		t.Errorf("record = %v", rec)
	}
	if err := c.Update(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU", map[string]any{"Id": "0RmHs0000000AbCKAU", "ExternalId": "jdoe"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU"); err != nil {
		t.Fatal(err)
	}

	t.Run("ErrBadInput", func(t *testing.T) {
		for _, err := range []error{
			c.Delete(ctx, "CallCenterRoutingMap/../User", "0RmHs0000000AbCKAU"),
			c.Delete(ctx, "CallCenterRoutingMap", "0RmHs0000000AbC/x"),
			c.Update(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCXXX", nil),
		} {
			if routemap.ErrorCode(err) != routemap.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		}
	})
}

func TestIdentity(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", "/services/oauth2/userinfo", jsonAnswer(200, map[string]any{
		"user_id": "005Hs00000ABcDeIAL", "organization_id": "00DHs0000001aBcMAI", "preferred_username": "admin@acme.test",
		"name": "Ada Admin", "email": "ada@example.com", "active": true}))
	c, _ := newClient(t, reg)
	got, err := c.Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := &salesforce.Identity{OrgID: "00DHs0000001aBcMAI", UserID: "005Hs00000ABcDeIAL", Username: "admin@acme.test", Name: "Ada Admin", Email: "ada@example.com", Active: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
}

func TestWrappedErrorNamesRequest(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("DELETE", mapPath, sfErrors(404, "NOT_FOUND", "The requested resource does not exist"))
	c, _ := newClient(t, reg)
	err := c.Delete(context.Background(), "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
	if !strings.Contains(err.Error(), "DELETE "+mapPath) || routemap.ErrorMessage(err) != "The requested resource does not exist" {
		t.Errorf("err = %q, message %q", err, routemap.ErrorMessage(err))
	}
}

// spaces is an endless JSON value: an object opening, then blanks.
type spaces struct{ started bool }

func (s *spaces) Read(p []byte) (int, error) {
	if !s.started {
		s.started = true
		return copy(p, `{"records":`), nil
	}
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestResponseTooLarge(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", v+"/query", func(*http.Request, []byte) (*http.Response, error) {
		resp := answer(200, "application/json", nil)
		resp.Body = io.NopCloser(&spaces{})
		resp.ContentLength = -1
		return resp, nil
	})
	c, _ := newClient(t, reg, func(o *salesforce.Options) { o.MaxResponseBytes = 1 << 10 })
	err := c.Query(context.Background(), "SELECT Id FROM User", func(salesforce.Record) error { return nil })
	if routemap.ErrorCode(err) != routemap.ELIMIT {
		t.Fatalf("err = %v, want ELIMIT", err)
	}
}
