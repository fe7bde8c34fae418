package salesforce

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"routemap"
	"routemap/sfid"
)

// Token is an OAuth session: the access token and what the token
// response says about it.
type Token struct {
	// AccessToken is sent as "Authorization: Bearer".
	AccessToken string
	// InstanceURL is the org's URL (instance_url); REST calls go there.
	// Empty means the URL given to New.
	InstanceURL string
	// IdentityURL is the token response's "id", …/id/<org id>/<user id>.
	IdentityURL string
	// OrgID and UserID come from the last two segments of IdentityURL;
	// zero when the response had none.
	OrgID, UserID sfid.ID
	// IssuedAt is issued_at (epoch milliseconds); zero when absent.
	IssuedAt time.Time
}

// Authenticator supplies access tokens to a Client. Implementations must
// be safe for concurrent use.
type Authenticator interface {
	// Token returns the current session, logging in first when there is
	// none. Errors: EUNAUTHORIZED when the credentials are refused.
	Token(ctx context.Context) (*Token, error)
	// Refresh is called when the server refused stale (401). It returns
	// a new session, or the current one when another caller already
	// renewed stale. Flows that cannot log in again return an
	// EUNAUTHORIZED error telling the user what to do.
	Refresh(ctx context.Context, stale *Token) (*Token, error)
}

// StaticToken is an access token obtained elsewhere (`sf org display`,
// `routemap token`, SF_ACCESS_TOKEN). It cannot be renewed: once it
// expires every call fails with EUNAUTHORIZED until the user logs in again.
type StaticToken struct {
	// AccessToken is the session id, "00D…!…".
	AccessToken string
	// InstanceURL is optional; empty means the URL given to New.
	InstanceURL string
}

// Token returns the token. Errors: EUNAUTHORIZED when it is empty.
func (s StaticToken) Token(ctx context.Context) (*Token, error) {
	if s.AccessToken == "" {
		return nil, &routemap.Error{Code: routemap.EUNAUTHORIZED, Reason: "INVALID_SESSION_ID", Message: "no access token: log in first"}
	}
	t := &Token{AccessToken: s.AccessToken, InstanceURL: s.InstanceURL}
	return t, nil
}

// Refresh always fails: a bare access token cannot be renewed.
func (s StaticToken) Refresh(ctx context.Context, stale *Token) (*Token, error) {
	return nil, &routemap.Error{Code: routemap.EUNAUTHORIZED, Reason: "INVALID_SESSION_ID",
		Message: "Session expired or invalid: the access token has expired or been revoked and cannot be renewed; " +
			"log in again for a new token, or use the client credentials or JWT bearer flow, which renew themselves"}
}

// session caches one flow's token and serializes logins, so that many
// requests refused at once cause a single new login. The zero value is
// ready to use.
type session struct {
	once sync.Once
	lock chan struct{} // a mutex whose wait honours ctx
	tok  *Token
}

func (s *session) acquire(ctx context.Context) error {
	s.once.Do(func() { s.lock = make(chan struct{}, 1) })
	select {
	case s.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *session) release() { <-s.lock }

// get returns the cached token or logs in.
func (s *session) get(ctx context.Context, login func(context.Context) (*Token, error)) (*Token, error) {
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	defer s.release()
	if s.tok != nil {
		return s.tok, nil
	}
	tok, err := login(ctx)
	if err != nil {
		return nil, err
	}
	s.tok = tok
	return tok, nil
}

// renew logs in again unless the cached token is already newer than stale.
func (s *session) renew(ctx context.Context, stale *Token, login func(context.Context) (*Token, error)) (*Token, error) {
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	defer s.release()
	if s.tok != nil && (stale == nil || s.tok.AccessToken != stale.AccessToken) {
		return s.tok, nil
	}
	s.tok = nil
	tok, err := login(ctx)
	if err != nil {
		return nil, err
	}
	s.tok = tok
	return tok, nil
}

// tokenEndpoint is the OAuth token endpoint under a login or My Domain URL.
func tokenEndpoint(loginURL string) (string, error) {
	u, err := parseInstanceURL(loginURL)
	if err != nil {
		return "", err
	}
	return u.String() + "/services/oauth2/token", nil
}

// requestToken posts a grant to the token endpoint and reads the answer.
// OAuth errors ({"error", "error_description"}) become *routemap.Error with
// Reason the OAuth error; hint, when not empty, is added to the message of
// an invalid_grant.
func requestToken(ctx context.Context, hc *http.Client, loginURL string, form url.Values, hint string) (*Token, error) {
	endpoint, err := tokenEndpoint(loginURL)
	if err != nil {
		return nil, err
	}
	grant := form.Get("grant_type")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("%s login: %w", grant, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", DefaultUserAgent)
	if hc == nil {
		hc = &http.Client{Timeout: time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s login at %s: %w", grant, endpoint, err)
	}
	if resp.StatusCode >= 300 {
		e := readError(resp)
		if e.Reason == "invalid_grant" && hint != "" {
			e.Message += " (" + hint + ")"
		}
		if strings.HasPrefix(e.Reason, "ERROR_HTTP_") && resp.StatusCode < 500 {
			e.Code = routemap.EUNAUTHORIZED
		}
		return nil, fmt.Errorf("%s login at %s: %w", grant, endpoint, e)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		InstanceURL string `json:"instance_url"`
		ID          string `json:"id"`
		IssuedAt    string `json:"issued_at"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxErrorBytes)).Decode(&body); err != nil {
		return nil, fmt.Errorf("%s login at %s: decode token response: %w", grant, endpoint, err)
	}
	if body.AccessToken == "" {
		return nil, fmt.Errorf("%s login at %s: %w", grant, endpoint,
			routemap.Errorf(routemap.EUNAUTHORIZED, "the token response has no access_token"))
	}
	tok := &Token{AccessToken: body.AccessToken, InstanceURL: strings.TrimRight(body.InstanceURL, "/"), IdentityURL: body.ID}
	tok.OrgID, tok.UserID = identityIDs(body.ID)
	if ms, err := strconv.ParseInt(body.IssuedAt, 10, 64); err == nil {
		tok.IssuedAt = time.UnixMilli(ms).UTC()
	}
	return tok, nil
}

// identityIDs reads the org and user ids from an identity URL,
// …/id/<org id>/<user id>; zero ids when it is not of that form.
func identityIDs(identity string) (org, user sfid.ID) {
	u, err := url.Parse(identity)
	if err != nil {
		return "", ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 {
		return "", ""
	}
	o, err1 := sfid.Parse(parts[len(parts)-2])
	us, err2 := sfid.Parse(parts[len(parts)-1])
	if err1 != nil || err2 != nil {
		return "", ""
	}
	return o, us
}

// ClientCredentials is the OAuth 2.0 client credentials flow: a connected
// (or External Client) app's consumer key and secret, acting as the app's
// Run As user. Salesforce serves it on the org's My Domain URL only, not
// on login.salesforce.com. Use it through a pointer; the zero value of the
// unexported state is ready.
type ClientCredentials struct {
	// URL is the org's My Domain URL, e.g. https://acme.my.salesforce.com,
	// or routemap serve's URL.
	URL string
	// ClientID and ClientSecret are the app's consumer key and secret.
	ClientID, ClientSecret string
	// HTTPClient sends the token requests; nil means a client with a
	// one-minute timeout.
	HTTPClient *http.Client

	s session
}

// Token returns the cached session or logs in. Errors: EUNAUTHORIZED
// (Reason invalid_client_id, invalid_client, invalid_grant, …).
func (a *ClientCredentials) Token(ctx context.Context) (*Token, error) {
	return a.s.get(ctx, a.login)
}

// Refresh logs in again.
func (a *ClientCredentials) Refresh(ctx context.Context, stale *Token) (*Token, error) {
	return a.s.renew(ctx, stale, a.login)
}

func (a *ClientCredentials) login(ctx context.Context) (*Token, error) {
	return requestToken(ctx, a.HTTPClient, a.URL, url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {a.ClientID},
		"client_secret": {a.ClientSecret},
	}, "check that the app enables the client credentials flow, names a Run As user, and that the URL is the org's My Domain")
}

// Audiences for the JWT bearer flow.
const (
	AudienceProduction = "https://login.salesforce.com"
	AudienceSandbox    = "https://test.salesforce.com"
)

// JWTBearer is the OAuth 2.0 JWT bearer flow: an assertion signed (RS256)
// with the private key whose certificate is uploaded to the connected
// app, naming the app (iss), a pre-authorized user (sub) and the login
// server (aud). The instance URL comes from the token response. Use it
// through a pointer.
type JWTBearer struct {
	// LoginURL is where the assertion is posted; default Audience.
	LoginURL string
	// Audience is the aud claim; default AudienceProduction. Sandboxes
	// use AudienceSandbox; an Experience Cloud site its own URL.
	Audience string
	// ClientID is the connected app's consumer key (iss).
	ClientID string
	// Username is the Salesforce username to act as (sub).
	Username string
	// Key signs the assertion.
	Key *rsa.PrivateKey
	// Lifetime is how long the assertion is valid (exp); default three
	// minutes, Salesforce's documented maximum.
	Lifetime time.Duration
	// HTTPClient sends the token request; nil means a client with a
	// one-minute timeout.
	HTTPClient *http.Client
	// Now is the clock for exp; default time.Now.
	Now func() time.Time

	s session
}

// Token returns the cached session or logs in. Errors: EUNAUTHORIZED
// (invalid_grant for an unapproved user, a wrong certificate or audience).
func (a *JWTBearer) Token(ctx context.Context) (*Token, error) { return a.s.get(ctx, a.login) }

// Refresh logs in again with a fresh assertion.
func (a *JWTBearer) Refresh(ctx context.Context, stale *Token) (*Token, error) {
	return a.s.renew(ctx, stale, a.login)
}

func (a *JWTBearer) login(ctx context.Context) (*Token, error) {
	assertion, err := a.Assertion()
	if err != nil {
		return nil, err
	}
	loginURL := a.LoginURL
	if loginURL == "" {
		loginURL = a.audience()
	}
	return requestToken(ctx, a.HTTPClient, loginURL, url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"assertion":  {assertion},
	}, "check that the user is pre-authorized for the app, the app holds the key's certificate, and the audience matches the org: "+a.audience())
}

func (a *JWTBearer) audience() string {
	if a.Audience == "" {
		return AudienceProduction
	}
	return strings.TrimRight(a.Audience, "/")
}

// Assertion returns a signed JWT for the flow: header {"alg":"RS256"},
// claims iss, sub, aud and exp. Errors: EINVALID for a missing key,
// client id or username.
func (a *JWTBearer) Assertion() (string, error) {
	switch {
	case a.Key == nil:
		return "", routemap.Errorf(routemap.EINVALID, "JWT bearer flow: no private key")
	case a.ClientID == "":
		return "", routemap.Errorf(routemap.EINVALID, "JWT bearer flow: no client id (consumer key)")
	case a.Username == "":
		return "", routemap.Errorf(routemap.EINVALID, "JWT bearer flow: no username")
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	life := a.Lifetime
	if life <= 0 {
		life = 3 * time.Minute
	}
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"iss": a.ClientID,
		"sub": a.Username,
		"aud": a.audience(),
		"exp": now().Add(life).Unix(),
	})
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, a.Key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("sign JWT assertion: %w", err)
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

// ParseRSAPrivateKey reads an RSA private key from PEM, in PKCS#1 ("RSA
// PRIVATE KEY") or PKCS#8 ("PRIVATE KEY") form, as openssl and the
// Salesforce JWT guide produce. Encrypted keys are not supported. Errors:
// EINVALID.
func ParseRSAPrivateKey(pemData []byte) (*rsa.PrivateKey, error) {
	for rest := pemData; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, routemap.Errorf(routemap.EINVALID, "no PEM private key found (expected \"-----BEGIN RSA PRIVATE KEY-----\" or \"-----BEGIN PRIVATE KEY-----\")")
		}
		switch block.Type {
		case "RSA PRIVATE KEY":
			if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
				return nil, routemap.Errorf(routemap.EINVALID, "the private key is encrypted; decrypt it first (openssl rsa -in key.pem -out plain.pem)")
			}
			k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, &routemap.Error{Code: routemap.EINVALID, Message: "read PKCS#1 RSA private key: " + err.Error()}
			}
			return k, nil
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, &routemap.Error{Code: routemap.EINVALID, Message: "read PKCS#8 private key: " + err.Error()}
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, routemap.Errorf(routemap.EINVALID, "the private key is a %T; Salesforce's JWT bearer flow needs RSA", k)
			}
			return rk, nil
		case "ENCRYPTED PRIVATE KEY":
			return nil, routemap.Errorf(routemap.EINVALID, "the private key is encrypted; decrypt it first (openssl pkcs8 -in key.pem -out plain.pem)")
		}
	}
}

// ReadRSAPrivateKey reads ParseRSAPrivateKey's input from a file.
func ReadRSAPrivateKey(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read private key: %w", err)
	}
	k, err := ParseRSAPrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("read private key %s: %w", path, err)
	}
	return k, nil
}

// Password is the legacy OAuth 2.0 username-password flow. Salesforce
// blocks it by default in orgs created since Summer '23 and is retiring
// it; prefer ClientCredentials or JWTBearer. Use it through a pointer.
type Password struct {
	// LoginURL is a My Domain URL, https://login.salesforce.com or
	// https://test.salesforce.com.
	LoginURL string
	// ClientID and ClientSecret are the connected app's consumer key and
	// secret.
	ClientID, ClientSecret string
	// Username is the user's login; Password is their password followed
	// by their security token where the org requires one.
	Username, Password string
	// HTTPClient sends the token requests; nil means a client with a
	// one-minute timeout.
	HTTPClient *http.Client

	s session
}

// Token returns the cached session or logs in. Errors: EUNAUTHORIZED.
func (a *Password) Token(ctx context.Context) (*Token, error) { return a.s.get(ctx, a.login) }

// Refresh logs in again.
func (a *Password) Refresh(ctx context.Context, stale *Token) (*Token, error) {
	return a.s.renew(ctx, stale, a.login)
}

func (a *Password) login(ctx context.Context) (*Token, error) {
	return requestToken(ctx, a.HTTPClient, a.LoginURL, url.Values{
		"grant_type":    {"password"},
		"client_id":     {a.ClientID},
		"client_secret": {a.ClientSecret},
		"username":      {a.Username},
		"password":      {a.Password},
	}, "Salesforce blocks the username-password flow by default in orgs created since Summer '23; "+
		"check the password and security token, or use the client credentials or JWT bearer flow")
}

var (
	_ Authenticator = StaticToken{}
	_ Authenticator = (*ClientCredentials)(nil)
	_ Authenticator = (*JWTBearer)(nil)
	_ Authenticator = (*Password)(nil)
)
