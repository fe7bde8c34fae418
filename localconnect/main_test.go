package localconnect_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"

	"routemap/localconnect"
)

// Fixed ids the seeded records refer to.
const (
	securityProfileID = "f7a4b2c1-0000-4000-8000-000000000001"
	routingProfileID  = "f7a4b2c1-0000-4000-8000-000000000002"
	contactFlowID     = "f7a4b2c1-0000-4000-8000-000000000003"
	queueID           = "f7a4b2c1-0000-4000-8000-000000000004"
)

// clock is an injected clock that starts at the real time (signatures
// made by the SDK carry the real time, and the server allows 15 minutes of
// skew) and moves only when a test advances it.
type clock struct{ nanos atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.nanos.Store(time.Now().Truncate(time.Second).UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.nanos.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.nanos.Add(int64(d)) }

// env is a local Amazon Connect served on 127.0.0.1 with one instance and
// one access key.
type env struct {
	srv   *localconnect.Server
	hs    *httptest.Server
	inst  localconnect.Instance
	key   localconnect.AccessKey
	clock *clock
}

func newEnv(t *testing.T, configure ...func(*localconnect.Options)) *env {
	t.Helper()
	e := &env{clock: newClock()}
	opts := localconnect.Options{Now: e.clock.Now, Region: "us-west-2"}
	for _, fn := range configure {
		fn(&opts)
	}
	srv, err := localconnect.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.hs = httptest.NewServer(srv)
	t.Cleanup(e.hs.Close)
	insts := srv.Instances()
	if len(insts) > 0 {
		e.inst = insts[0]
		return e
	}
	if e.inst, err = srv.CreateInstance(localconnect.Instance{Alias: "routemap-test"}); err != nil {
		t.Fatal(err)
	}
	if e.key, err = srv.IssueAccessKey(); err != nil {
		t.Fatal(err)
	}
	return e
}

// client returns the real SDK client pointed at the server, signing with
// the env's key unless told otherwise.
func (e *env) client(configure ...func(*connect.Options)) *connect.Client {
	o := connect.Options{
		Region:       e.srv.Region(),
		BaseEndpoint: aws.String(e.hs.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(e.key.ID, e.key.Secret, ""),
		HTTPClient:   e.hs.Client(),
	}
	for _, fn := range configure {
		fn(&o)
	}
	return connect.New(o)
}

func withKey(id, secret string) func(*connect.Options) {
	return func(o *connect.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(id, secret, "")
	}
}

func noRetries(o *connect.Options) { o.RetryMaxAttempts = 1 }

// user is a valid user to seed.
func user(name string) localconnect.User {
	return localconnect.User{
		Username:           name,
		IdentityInfo:       localconnect.IdentityInfo{FirstName: "First " + name, LastName: "Last", Email: name + "@example.com"},
		SecurityProfileIDs: []string{securityProfileID},
		RoutingProfileID:   routingProfileID,
	}
}

// seedUsers creates n users named user0000…
func (e *env) seedUsers(t *testing.T, n int) []localconnect.User {
	t.Helper()
	in := make([]localconnect.User, n)
	for i := range in {
		in[i] = user(fmt.Sprintf("user%04d", i))
	}
	out, err := e.srv.CreateUsers(e.inst.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawRequest builds a request to the server; sign it with sign.
func (e *env) rawRequest(t *testing.T, method, path string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, e.hs.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// sign signs req with SigV4 for the given key, region and time, as the SDK
// would.
func sign(t *testing.T, req *http.Request, body []byte, key localconnect.AccessKey, service, region string, at time.Time) {
	t.Helper()
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		t.Fatal(err)
	}
}

// do sends a raw request and returns the status, error type and body.
func (e *env) do(t *testing.T, req *http.Request) (int, string, string) {
	t.Helper()
	resp, err := e.hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), string(b)
}

// apiCode returns the error code the SDK saw, "" for nil.
func apiCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error", err)
	}
	return ae.ErrorCode()
}

// describeResult is what DescribeQuickConnect says about a quick connect.
type describeResult struct {
	ARN, Name, Type, UserID, ContactFlowID string
	Modified                               time.Time
}

func describe(t *testing.T, c *connect.Client, instance, id string) describeResult {
	t.Helper()
	out, err := c.DescribeQuickConnect(context.Background(), &connect.DescribeQuickConnectInput{
		InstanceId: aws.String(instance), QuickConnectId: aws.String(id),
	})
	if err != nil {
		t.Fatal(err)
	}
	q := out.QuickConnect
	r := describeResult{ARN: aws.ToString(q.QuickConnectARN), Name: aws.ToString(q.Name),
		Type: string(q.QuickConnectConfig.QuickConnectType), Modified: aws.ToTime(q.LastModifiedTime)}
	if uc := q.QuickConnectConfig.UserConfig; uc != nil {
		r.UserID, r.ContactFlowID = aws.ToString(uc.UserId), aws.ToString(uc.ContactFlowId)
	}
	return r
}
