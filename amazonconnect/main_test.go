package amazonconnect_test

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"routemap/amazonconnect"
	"routemap/localconnect"
)

// Ids the seeded records refer to.
const (
	securityProfileID = "5e1f0c2a-0000-4000-8000-000000000001"
	routingProfileID  = "5e1f0c2a-0000-4000-8000-000000000002"
	contactFlowID     = "5e1f0c2a-0000-4000-8000-000000000003"
)

// env is a local Amazon Connect on 127.0.0.1 with one instance and one
// access key; the directory under test talks to it with the real SDK.
type env struct {
	srv  *localconnect.Server
	hs   *httptest.Server
	inst localconnect.Instance
	key  localconnect.AccessKey
}

func newEnv(tb testing.TB, configure ...func(*localconnect.Options)) *env {
	tb.Helper()
	opts := localconnect.Options{Region: "eu-central-1"}
	for _, fn := range configure {
		fn(&opts)
	}
	srv, err := localconnect.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	e := &env{srv: srv, hs: httptest.NewServer(srv)}
	tb.Cleanup(e.hs.Close)
	if e.inst, err = srv.CreateInstance(localconnect.Instance{Alias: "routemap-test"}); err != nil {
		tb.Fatal(err)
	}
	if e.key, err = srv.IssueAccessKey(); err != nil {
		tb.Fatal(err)
	}
	return e
}

// config is what cmd/routemap would load: credentials and a region (not
// the instance's, which the directory uses anyway).
func (e *env) config(keyID, secret string) aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		HTTPClient:  e.hs.Client(),
	}
}

// directory returns a Directory on the env's instance with no rate limit
// and short retry pauses, changed by configure.
func (e *env) directory(tb testing.TB, configure ...func(*amazonconnect.Options)) *amazonconnect.Directory {
	tb.Helper()
	opts := amazonconnect.Options{Endpoint: e.hs.URL, Rate: amazonconnect.NoRateLimit, MaxBackoff: 5 * time.Millisecond}
	for _, fn := range configure {
		fn(&opts)
	}
	d, err := amazonconnect.NewDirectory(e.config(e.key.ID, e.key.Secret), e.inst.ARN, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// client is a plain SDK client, for changing the instance behind a
// directory's back.
func (e *env) client() *connect.Client {
	return connect.NewFromConfig(e.config(e.key.ID, e.key.Secret), func(o *connect.Options) {
		o.Region = e.inst.Region
		o.BaseEndpoint = aws.String(e.hs.URL)
	})
}

// seed creates users agents with Service Cloud Voice usernames, and a USER
// quick connect for each of the first withQC of them.
func (e *env) seed(tb testing.TB, users, withQC int) ([]localconnect.User, []localconnect.QuickConnect) {
	tb.Helper()
	in := make([]localconnect.User, users)
	for i := range in {
		in[i] = localconnect.User{
			Username:           fmt.Sprintf("rep%05d@005Hs00000%05d@00DHs0000001aBc", i, i),
			SecurityProfileIDs: []string{securityProfileID},
			RoutingProfileID:   routingProfileID,
		}
	}
	created, err := e.srv.CreateUsers(e.inst.ID, in)
	if err != nil {
		tb.Fatal(err)
	}
	qcs := make([]localconnect.QuickConnect, withQC)
	for i := range qcs {
		qcs[i] = localconnect.QuickConnect{
			Name: "qc-" + created[i].Username, Type: localconnect.QuickConnectUser,
			UserID: created[i].ID, ContactFlowID: contactFlowID,
		}
	}
	qcsCreated, err := e.srv.CreateQuickConnects(e.inst.ID, qcs)
	if err != nil {
		tb.Fatal(err)
	}
	return created, qcsCreated
}
