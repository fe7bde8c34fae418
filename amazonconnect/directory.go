package amazonconnect

import (
	"context"
	"log/slog"
	"math"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"routemap"
)

// Defaults for Options fields left zero.
const (
	// DefaultRate is Amazon Connect's default API quota: 2 requests a
	// second per account and region for the user and quick connect APIs.
	DefaultRate = 2
	// DefaultMaxAttempts is how many times one call is tried before a
	// throttled or failing request is given up.
	DefaultMaxAttempts = 10
	// DefaultMaxBackoff caps the pause between two attempts.
	DefaultMaxBackoff = 20 * time.Second
)

// NoRateLimit is the Options.Rate that turns the client-side limiter off.
const NoRateLimit = -1

// pageSize is MaxResults for ListUsers and ListQuickConnects, the most
// Amazon Connect allows.
const pageSize = 1000

// describeWorkers is how many DescribeQuickConnect calls run at once. The
// limiter still paces them; concurrency only hides network latency.
const describeWorkers = 4

// Options configures a Directory.
type Options struct {
	// Rate is the most requests a second the directory sends, across all
	// calls and retries. 0 means DefaultRate; NoRateLimit (any negative
	// value) turns the limiter off, for local servers.
	Rate float64
	// Endpoint overrides the Amazon Connect endpoint (the SDK's
	// BaseEndpoint), e.g. a local server. Empty leaves the standard AWS
	// configuration in charge: AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL,
	// endpoint_url in the shared config, else connect.<region>.amazonaws.com.
	Endpoint string
	// CachePath is a JSON file that keeps what DescribeQuickConnect said
	// between runs, keyed by quick connect id and LastModifiedTime. Empty
	// keeps the cache in memory for the life of the Directory.
	CachePath string
	// Logger receives cache problems the directory works around. Default:
	// discard.
	Logger *slog.Logger
	// MaxAttempts is how many times the SDK tries one call (throttling,
	// 5xx and network errors are retried). Default DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff caps the SDK's pause between attempts. Default
	// DefaultMaxBackoff.
	MaxBackoff time.Duration
}

// Directory is a routemap.Directory over one Amazon Connect instance.
// Its methods are safe for concurrent use; Agents calls may overlap but
// share the rate limit.
type Directory struct {
	client      *connect.Client
	credentials aws.CredentialsProvider
	instance    routemap.ConnectARN
	instanceARN string
	endpoint    string // as configured, for messages; "" for the AWS default
	rate        float64
	maxAttempts int
	cachePath   string
	logger      *slog.Logger
	limiter     *limiter // nil when the rate is unlimited
	requests    *requestCounter

	mu       sync.Mutex
	warnings []string
	memCache map[string]cacheEntry // the last run's targets, when there is no CachePath
}

var _ routemap.Directory = (*Directory)(nil)

// NewDirectory returns a Directory over the instance instanceARN
// (arn:aws:connect:<region>:<account>:instance/<id>). The client calls
// the instance's region whatever cfg.Region says; cfg supplies the
// credentials, HTTP client and the rest. Errors: EINVALID for a malformed
// ARN, an ARN of something other than an instance, or a bad Endpoint.
func NewDirectory(cfg aws.Config, instanceARN string, opts Options) (*Directory, error) {
	a, err := routemap.ParseConnectARN(strings.TrimSpace(instanceARN))
	if err != nil {
		return nil, &routemap.Error{Code: routemap.EINVALID, Reason: "instance_arn", Message: "Amazon Connect instance: " + err.Error()}
	}
	if a.Resource != "" {
		return nil, routemap.Errorf(routemap.EINVALID, "%s is the ARN of a %s in an Amazon Connect instance; use the instance ARN %s", instanceARN, a.Resource, a.Instance())
	}
	if opts.Endpoint != "" {
		u, err := url.Parse(opts.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, routemap.Errorf(routemap.EINVALID, "Amazon Connect endpoint %q is not an http or https URL", opts.Endpoint)
		}
	}
	if math.IsNaN(opts.Rate) {
		return nil, routemap.Errorf(routemap.EINVALID, "Amazon Connect request rate is not a number")
	}
	d := &Directory{
		credentials: cfg.Credentials,
		instance:    a,
		instanceARN: a.String(),
		rate:        opts.Rate,
		maxAttempts: opts.MaxAttempts,
		cachePath:   opts.CachePath,
		logger:      opts.Logger,
		requests:    newRequestCounter(),
	}
	if d.rate == 0 {
		d.rate = DefaultRate
	}
	if d.maxAttempts <= 0 {
		d.maxAttempts = DefaultMaxAttempts
	}
	maxBackoff := opts.MaxBackoff
	if maxBackoff <= 0 {
		maxBackoff = DefaultMaxBackoff
	}
	if d.logger == nil {
		d.logger = slog.New(slog.DiscardHandler)
	}
	if d.rate > 0 && !math.IsInf(d.rate, 1) {
		d.limiter = newLimiter(d.rate)
	} else {
		d.rate = math.Inf(1)
	}
	mw := attemptMiddleware{limiter: d.limiter, requests: d.requests}
	d.client = connect.NewFromConfig(cfg, func(o *connect.Options) {
		o.Region = a.Region
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
		// The standard retryer with throttling among its retryable
		// errors, more attempts than the SDK's 3, and no retry quota: the
		// limiter already paces requests, and a long listing should keep
		// retrying a throttle rather than stop at "retry quota exceeded".
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = d.maxAttempts
			so.MaxBackoff = maxBackoff
			so.RateLimiter = ratelimit.None
		})
		o.RetryMaxAttempts = d.maxAttempts
		// Clone: cfg.APIOptions may share its backing array with other
		// clients built from the same cfg.
		o.APIOptions = append(slices.Clone(o.APIOptions), mw.addTo)
	})
	d.endpoint = aws.ToString(d.client.Options().BaseEndpoint)
	return d, nil
}

// Info describes the directory: Amazon Connect, the instance, with quick
// connects.
func (d *Directory) Info() routemap.DirectoryInfo {
	source := "Amazon Connect instance " + d.instanceARN
	if d.endpoint != "" {
		source += " at " + d.endpoint
	}
	return routemap.DirectoryInfo{
		Provider:      routemap.ProviderAmazonConnect,
		InstanceARN:   d.instanceARN,
		QuickConnects: true,
		Source:        source,
	}
}

// Warnings returns what the last Agents call noticed but did not fail
// on: agents targeted by several USER quick connects, quick connects
// whose user is not in the instance. Sorted; nil when there were none.
func (d *Directory) Warnings() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.warnings)
}

// Requests returns the HTTP requests the directory has sent to Amazon
// Connect, by operation name ("ListUsers", "ListQuickConnects",
// "DescribeQuickConnect"), retries included.
func (d *Directory) Requests() map[string]int { return d.requests.snapshot() }

// Agents returns every user of the instance with the USER quick connect
// that targets each (none when no quick connect does), sorted by username.
// Where several quick connects target one agent it picks the lowest id and
// records a warning (see Warnings). Errors: EUNAUTHORIZED for missing or
// refused credentials, ELIMIT for throttling past MaxAttempts, ENOTFOUND
// for an instance Amazon Connect does not know, EINVALID for an answer
// that cannot be read; other errors are wrapped.
func (d *Directory) Agents(ctx context.Context) ([]routemap.Agent, error) {
	if err := d.checkCredentials(ctx); err != nil {
		return nil, err
	}
	users, err := d.listUsers(ctx)
	if err != nil {
		return nil, err
	}
	qcs, err := d.listUserQuickConnects(ctx)
	if err != nil {
		return nil, err
	}
	targets, err := d.quickConnectTargets(ctx, qcs)
	if err != nil {
		return nil, err
	}
	agents, warnings := join(d.instanceARN, users, qcs, targets)
	d.mu.Lock()
	d.warnings = warnings
	d.mu.Unlock()
	return agents, nil
}

// checkCredentials fails early, with a message that says what to set,
// when the configuration has no usable credentials. The SDK caches what
// it retrieves, so this costs nothing later.
func (d *Directory) checkCredentials(ctx context.Context) error {
	if d.credentials == nil {
		return &routemap.Error{Code: routemap.EUNAUTHORIZED, Reason: "no_credentials",
			Message: "no AWS credentials for Amazon Connect instance " + d.instanceARN +
				": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or another source of the AWS credential chain"}
	}
	if _, err := d.credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &routemap.Error{Code: routemap.EUNAUTHORIZED, Reason: "no_credentials",
			Message: "cannot load AWS credentials for Amazon Connect instance " + d.instanceARN + ": " + err.Error()}
	}
	return nil
}

// listUsers pages through ListUsers. The summaries carry id, ARN and
// username, all a routing map needs.
func (d *Directory) listUsers(ctx context.Context) ([]routemap.Agent, error) {
	var agents []routemap.Agent
	p := connect.NewListUsersPaginator(d.client, &connect.ListUsersInput{
		InstanceId: aws.String(d.instance.InstanceID),
		MaxResults: aws.Int32(pageSize),
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, d.apiError(ctx, "ListUsers", err)
		}
		for _, u := range out.UserSummaryList {
			if u.Id == nil {
				continue
			}
			agents = append(agents, routemap.Agent{ID: *u.Id, ARN: aws.ToString(u.Arn), Username: aws.ToString(u.Username)})
		}
	}
	return agents, nil
}

// quickConnect is a USER quick connect from ListQuickConnects.
type quickConnect struct {
	ID, ARN, Name string
	// Modified is the summary's LastModifiedTime, the cache key; zero when
	// the summary has none, which makes the entry uncacheable.
	Modified time.Time
}

// listUserQuickConnects pages through ListQuickConnects filtered to USER
// quick connects, sorted by id.
func (d *Directory) listUserQuickConnects(ctx context.Context) ([]quickConnect, error) {
	var qcs []quickConnect
	p := connect.NewListQuickConnectsPaginator(d.client, &connect.ListQuickConnectsInput{
		InstanceId:        aws.String(d.instance.InstanceID),
		MaxResults:        aws.Int32(pageSize),
		QuickConnectTypes: []types.QuickConnectType{types.QuickConnectTypeUser},
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, d.apiError(ctx, "ListQuickConnects", err)
		}
		for _, q := range out.QuickConnectSummaryList {
			if q.Id == nil || q.QuickConnectType != types.QuickConnectTypeUser {
				continue
			}
			qcs = append(qcs, quickConnect{ID: *q.Id, ARN: aws.ToString(q.Arn), Name: aws.ToString(q.Name), Modified: aws.ToTime(q.LastModifiedTime)})
		}
	}
	slices.SortFunc(qcs, func(a, b quickConnect) int { return strings.Compare(a.ID, b.ID) })
	return qcs, nil
}
