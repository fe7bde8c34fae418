package http

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routemap"
	"routemap/sfid"
)

// caller is an authenticated API client: the user a token was issued to.
type caller struct {
	Org     *routemap.Org
	User    *routemap.User
	Session *routemap.Session
}

// can reports whether the caller holds p.
func (c *caller) can(p routemap.Permission) bool { return c.User.Permissions.Has(p) }

// forbidden is the error for a missing object permission.
func forbidden(what string) error {
	return &routemap.Error{Code: routemap.EFORBIDDEN, Message: "insufficient access rights on object id: " + what}
}

// HashToken returns the stored form of an access token: hex SHA-256.
// Tokens carry 64 random bytes, so a fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a fresh access token shaped like Salesforce's: the
// 15-character org id, "!", then random characters (the Salesforce CLI
// rejects any other shape).
func NewToken(org sfid.ID) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
	raw := randomBytes(96)
	b := make([]byte, 0, 16+2+len(raw))
	b = append(b, org.Short()...)
	b = append(b, "!AQ"...)
	for _, c := range raw {
		b = append(b, alphabet[int(c)%len(alphabet)])
	}
	return string(b)
}

// sessionCache remembers recently verified tokens for a few seconds, so
// that a busy client does not cost three store reads a request. Revoking
// a token through this server evicts it at once.
type sessionCache struct {
	mu      sync.Mutex
	entries map[string]cachedCaller
}

type cachedCaller struct {
	c       caller
	checked time.Time
}

const sessionCacheTTL = 5 * time.Second

func newSessionCache() *sessionCache { return &sessionCache{entries: make(map[string]cachedCaller)} }

func (sc *sessionCache) get(hash string, now time.Time) (caller, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e, ok := sc.entries[hash]
	if !ok || now.Sub(e.checked) > sessionCacheTTL || !now.Before(e.c.Session.ExpiresAt) {
		return caller{}, false
	}
	return e.c, true
}

func (sc *sessionCache) put(hash string, c caller, now time.Time) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.entries) > 10000 {
		for k, e := range sc.entries {
			if now.Sub(e.checked) > sessionCacheTTL {
				delete(sc.entries, k)
			}
		}
	}
	sc.entries[hash] = cachedCaller{c: c, checked: now}
}

func (sc *sessionCache) drop(hash string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.entries, hash)
}

// dropUser evicts every cached session of a user whose permissions or
// membership changed.
func (sc *sessionCache) dropUser(user sfid.ID) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for k, e := range sc.entries {
		if e.c.User.ID == user {
			delete(sc.entries, k)
		}
	}
}

// bearer extracts the access token from a request.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	for _, scheme := range []string{"Bearer ", "OAuth "} {
		if len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) {
			return strings.TrimSpace(h[len(scheme):])
		}
	}
	return strings.TrimSpace(r.Header.Get("X-SFDC-Session"))
}

var errSession = &routemap.Error{Code: routemap.EUNAUTHORIZED, Message: sessionExpired.Message}

// authenticate resolves the request's token to a caller and counts the
// request against the org's daily allowance.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*caller, error) {
	token := bearer(r)
	if token == "" || len(token) > 512 {
		return nil, errSession
	}
	hash := HashToken(token)
	now := s.Now()
	c, ok := s.sessions.get(hash, now)
	if !ok {
		var err error
		c, err = s.lookupSession(r.Context(), hash, now)
		if err != nil {
			return nil, err
		}
		s.sessions.put(hash, c, now)
	}
	rl := logOf(r)
	rl.org, rl.user = string(c.Org.ID), string(c.User.ID)
	if !c.can(routemap.PermAPIEnabled) {
		return nil, &routemap.Error{Code: routemap.EFORBIDDEN, Reason: reasonAPIDisabled, Message: "API is disabled for this User"}
	}
	limit := c.Org.DailyRequestLimit
	if limit <= 0 {
		limit = s.DailyRequestLimit
	}
	used := s.usage.add(c.Org.ID, now)
	w.Header().Set("Sforce-Limit-Info", "api-usage="+strconv.Itoa(used)+"/"+strconv.Itoa(limit))
	if used > limit {
		return nil, &routemap.Error{Code: routemap.ELIMIT, Message: "TotalRequests Limit exceeded."}
	}
	return &c, nil
}

func (s *Server) lookupSession(ctx context.Context, hash string, now time.Time) (caller, error) {
	sess, err := s.Store.FindSession(ctx, hash)
	if routemap.ErrorCode(err) == routemap.ENOTFOUND {
		return caller{}, errSession
	} else if err != nil {
		return caller{}, err
	}
	if !now.Before(sess.ExpiresAt) {
		return caller{}, errSession
	}
	user, err := s.Store.FindUser(ctx, sess.OrgID, sess.UserID)
	if routemap.ErrorCode(err) == routemap.ENOTFOUND {
		return caller{}, errSession
	} else if err != nil {
		return caller{}, err
	}
	if !user.IsActive {
		return caller{}, errSession
	}
	org, err := s.Store.FindOrg(ctx, sess.OrgID)
	if err != nil {
		return caller{}, err
	}
	return caller{Org: org, User: user, Session: sess}, nil
}

// usageCounter counts API requests per org per UTC day, in memory: a
// restart forgets the day's count (docs/api.md).
type usageCounter struct {
	mu   sync.Mutex
	day  string
	used map[sfid.ID]int
}

func newUsageCounter() *usageCounter { return &usageCounter{used: make(map[sfid.ID]int)} }

func (u *usageCounter) add(org sfid.ID, now time.Time) int {
	day := now.UTC().Format("2006-01-02")
	u.mu.Lock()
	defer u.mu.Unlock()
	if day != u.day {
		u.day, u.used = day, make(map[sfid.ID]int)
	}
	u.used[org]++
	return u.used[org]
}

func (u *usageCounter) get(org sfid.ID, now time.Time) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	if now.UTC().Format("2006-01-02") != u.day {
		return 0
	}
	return u.used[org]
}

// oauthError is the JSON object (not array) OAuth endpoints answer with.
type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, oauthError{Error: code, ErrorDescription: desc})
}

func (s *Server) routeOAuth(w http.ResponseWriter, r *http.Request, seg []string) {
	if len(seg) != 1 {
		s.writeError(w, r, notFound())
		return
	}
	switch seg[0] {
	case "token":
		if r.Method != http.MethodPost {
			writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "must use HTTP POST")
			return
		}
		s.handleToken(w, r)
	case "revoke":
		s.handleRevoke(w, r)
	case "userinfo":
		s.handleUserinfo(w, r)
	default:
		s.writeError(w, r, notFound())
	}
}

// tokenResponse is the body of a successful token request.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	InstanceURL string `json:"instance_url"`
	ID          string `json:"id"`
	TokenType   string `json:"token_type"`
	IssuedAt    string `json:"issued_at"`
	Signature   string `json:"signature,omitempty"`
	Scope       string `json:"scope,omitempty"`
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the request body could not be read as a form")
		return
	}
	ctx := r.Context()
	grant := r.Form.Get("grant_type")
	var (
		app    *routemap.ConnectedApp
		user   *routemap.User
		secret string
		scope  string
		fail   *oauthError
	)
	switch grant {
	case "password":
		app, secret, fail = s.clientOf(ctx, r)
		if fail == nil {
			user, fail = s.passwordUser(ctx, app, r.Form.Get("username"), r.Form.Get("password"))
		}
	case "client_credentials":
		app, secret, fail = s.clientOf(ctx, r)
		if fail == nil {
			if app.RunAsUserID.IsZero() {
				fail = &oauthError{"invalid_grant", "no client credentials user enabled"}
			} else {
				user, fail = s.activeUser(ctx, app.OrgID, app.RunAsUserID)
			}
		}
		scope = "api"
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		app, user, fail = s.jwtUser(ctx, r.Form.Get("assertion"))
		scope = "api"
	case "":
		fail = &oauthError{"unsupported_grant_type", "grant type not supported"}
	default:
		fail = &oauthError{"unsupported_grant_type", "grant type not supported"}
	}
	if fail != nil {
		writeOAuthError(w, http.StatusBadRequest, fail.Error, fail.ErrorDescription)
		return
	}
	resp, err := s.issueToken(ctx, app, user, secret)
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "internal error")
		s.logger().Error("issue token", "error", err)
		return
	}
	resp.Scope = scope
	w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
	writeJSON(w, http.StatusOK, resp)
}

// IssueToken creates a session for user and returns the token response,
// as the token endpoint does; `routemap token` uses it. secret, when not
// empty, is the client secret that signs the response.
func (s *Server) IssueToken(ctx context.Context, user *routemap.User, secret string) (*tokenResponse, error) {
	s.init()
	return s.issueToken(ctx, nil, user, secret)
}

func (s *Server) issueToken(ctx context.Context, app *routemap.ConnectedApp, user *routemap.User, secret string) (*tokenResponse, error) {
	now := s.Now()
	token := NewToken(user.OrgID)
	sess := &routemap.Session{TokenHash: HashToken(token), OrgID: user.OrgID, UserID: user.ID, IssuedAt: now, ExpiresAt: now.Add(s.TokenTTL)}
	if app != nil {
		sess.AppID = app.ID
	}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	id := s.BaseURL + "/id/" + string(user.OrgID) + "/" + string(user.ID)
	issued := strconv.FormatInt(now.UnixMilli(), 10)
	resp := &tokenResponse{AccessToken: token, InstanceURL: s.BaseURL, ID: id, TokenType: "Bearer", IssuedAt: issued}
	if secret != "" {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(id + issued))
		resp.Signature = base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	return resp, nil
}

// clientOf authenticates the connected app from client_id and
// client_secret in the form or HTTP Basic credentials.
func (s *Server) clientOf(ctx context.Context, r *http.Request) (*routemap.ConnectedApp, string, *oauthError) {
	id, secret := r.Form.Get("client_id"), r.Form.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok && id == "" {
		id, secret = u, p
	}
	if id == "" {
		return nil, "", &oauthError{"invalid_client_id", "client identifier invalid"}
	}
	app, err := s.Store.FindConnectedAppByClientID(ctx, id)
	if err != nil {
		return nil, "", &oauthError{"invalid_client_id", "client identifier invalid"}
	}
	if secret == "" || bcrypt.CompareHashAndPassword([]byte(app.SecretHash), []byte(secret)) != nil {
		return nil, "", &oauthError{"invalid_client", "invalid client credentials"}
	}
	return app, secret, nil
}

func (s *Server) passwordUser(ctx context.Context, app *routemap.ConnectedApp, username, password string) (*routemap.User, *oauthError) {
	authFail := &oauthError{"invalid_grant", "authentication failure"}
	if username == "" || password == "" || len(password) > 256 {
		return nil, authFail
	}
	user, err := s.Store.FindUserByUsername(ctx, username)
	if err != nil || user.OrgID != app.OrgID || user.PasswordHash == "" {
		// Spend the time a real check would, so that timing does not tell
		// which usernames exist.
		bcrypt.CompareHashAndPassword([]byte("$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z9dNuWMEuLoJrVu1VRWF3F0y"), []byte(password))
		return nil, authFail
	}
	if bcrypt.CompareHashAndPassword([]byte(user.PasswordHash), []byte(password)) != nil {
		return nil, authFail
	}
	if !user.IsActive {
		return nil, &oauthError{"inactive_user", "user is inactive"}
	}
	return user, nil
}

func (s *Server) activeUser(ctx context.Context, org, id sfid.ID) (*routemap.User, *oauthError) {
	user, err := s.Store.FindUser(ctx, org, id)
	if err != nil {
		return nil, &oauthError{"invalid_grant", "authentication failure"}
	}
	if !user.IsActive {
		return nil, &oauthError{"inactive_user", "user is inactive"}
	}
	return user, nil
}

// jwtUser verifies a JWT bearer assertion (RS256, signed with the key of
// the connected app named by iss) and returns the user named by sub.
func (s *Server) jwtUser(ctx context.Context, assertion string) (*routemap.ConnectedApp, *routemap.User, *oauthError) {
	fail := &oauthError{"invalid_grant", "invalid assertion"}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 || len(assertion) > 16<<10 {
		return nil, nil, fail
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp int64           `json:"exp"`
	}
	if decodeSegment(parts[0], &header) != nil || header.Alg != "RS256" || decodeSegment(parts[1], &claims) != nil {
		return nil, nil, fail
	}
	app, err := s.Store.FindConnectedAppByClientID(ctx, claims.Iss)
	if err != nil {
		return nil, nil, &oauthError{"invalid_client_id", "client identifier invalid"}
	}
	key, err := rsaKey(app.CertificatePEM)
	if err != nil {
		return nil, nil, &oauthError{"invalid_client", "the connected app has no certificate for the JWT bearer flow"}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, nil, fail
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
		return nil, nil, fail
	}
	now := s.Now()
	if claims.Exp == 0 || now.After(time.Unix(claims.Exp, 0).Add(time.Minute)) {
		return nil, nil, &oauthError{"invalid_grant", "expired authorization code"}
	}
	if !s.audienceOK(claims.Aud) {
		return nil, nil, &oauthError{"invalid_grant", "audience is invalid"}
	}
	user, err := s.Store.FindUserByUsername(ctx, claims.Sub)
	if err != nil || user.OrgID != app.OrgID {
		return nil, nil, &oauthError{"invalid_grant", "user hasn't approved this consumer"}
	}
	if !user.IsActive {
		return nil, nil, &oauthError{"inactive_user", "user is inactive"}
	}
	return app, user, nil
}

func (s *Server) audienceOK(raw json.RawMessage) bool {
	var one string
	var many []string
	if json.Unmarshal(raw, &one) == nil {
		many = []string{one}
	} else if json.Unmarshal(raw, &many) != nil {
		return false
	}
	for _, a := range many {
		a = strings.TrimRight(a, "/")
		if a == s.BaseURL || a == "https://login.salesforce.com" || a == "https://test.salesforce.com" {
			return true
		}
	}
	return false
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// rsaKey reads an RSA public key from a PEM public key or certificate.
func rsaKey(p string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	var pub any
	var err error
	switch block.Type {
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			pub = cert.PublicKey
		}
	default:
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	}
	if err != nil {
		return nil, err
	}
	key, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return key, nil
}

// handleRevoke revokes an access token. As RFC 7009 asks, an unknown token
// is not an error.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the request body could not be read as a form")
		return
	}
	token := r.Form.Get("token")
	if token == "" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_token_type", "this token type is not supported")
		return
	}
	hash := HashToken(token)
	if err := s.Store.DeleteSession(r.Context(), hash); err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "internal error")
		return
	}
	s.sessions.drop(hash)
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	c, err := s.authenticate(w, r)
	if err != nil {
		writeOAuthError(w, http.StatusForbidden, "Bad_OAuth_Token", "Bad_OAuth_Token")
		return
	}
	writeJSON(w, http.StatusOK, s.userinfo(c))
}

// urls are the resource URLs identity answers list.
func (s *Server) urls(c *caller) map[string]string {
	base := s.BaseURL
	return map[string]string{
		"enterprise":    base + "/services/Soap/c/{version}/" + string(c.Org.ID),
		"metadata":      base + "/services/Soap/m/{version}/" + string(c.Org.ID),
		"partner":       base + "/services/Soap/u/{version}/" + string(c.Org.ID),
		"rest":          base + "/services/data/v{version}/",
		"sobjects":      base + "/services/data/v{version}/sobjects/",
		"search":        base + "/services/data/v{version}/search/",
		"query":         base + "/services/data/v{version}/query/",
		"recent":        base + "/services/data/v{version}/recent/",
		"tooling_rest":  base + "/services/data/v{version}/tooling/",
		"profile":       base + "/" + string(c.User.ID),
		"feeds":         base + "/services/data/v{version}/chatter/feeds",
		"groups":        base + "/services/data/v{version}/chatter/groups",
		"users":         base + "/services/data/v{version}/chatter/users",
		"feed_items":    base + "/services/data/v{version}/chatter/feed-items",
		"custom_domain": base,
	}
}

func (s *Server) userinfo(c *caller) map[string]any {
	u := c.User
	return map[string]any{
		"sub":                s.BaseURL + "/id/" + string(c.Org.ID) + "/" + string(u.ID),
		"user_id":            string(u.ID),
		"organization_id":    string(c.Org.ID),
		"preferred_username": u.Username,
		"nickname":           u.Alias,
		"name":               u.Name(),
		"email":              u.Email,
		"email_verified":     true,
		"given_name":         u.FirstName,
		"family_name":        u.LastName,
		"zoneinfo":           "GMT",
		"urls":               s.urls(c),
		"active":             u.IsActive,
		"user_type":          "STANDARD",
		"language":           "en_US",
		"locale":             "en_US",
		"utcOffset":          0,
		"updated_at":         formatTime(u.LastModifiedDate),
		"is_app_installed":   true,
	}
}

// handleIdentity serves the identity URL returned as "id" by the token
// endpoint. A caller may read identities in its own org.
func (s *Server) handleIdentity(w http.ResponseWriter, r *http.Request, orgID, userID string) {
	c, err := s.authenticate(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		s.writeError(w, r, methodNotAllowed(r, "GET", "POST"))
		return
	}
	org, err1 := sfid.Parse(orgID)
	uid, err2 := sfid.Parse(userID)
	if err1 != nil || err2 != nil || org != c.Org.ID {
		s.writeError(w, r, notFound())
		return
	}
	u := c.User
	if uid != u.ID {
		if u, err = s.Store.FindUser(r.Context(), c.Org.ID, uid); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	who := &caller{Org: c.Org, User: u}
	writeJSON(w, http.StatusOK, map[string]any{
		"id":                 s.BaseURL + "/id/" + string(org) + "/" + string(u.ID),
		"asserted_user":      u.ID == c.User.ID,
		"user_id":            string(u.ID),
		"organization_id":    string(org),
		"username":           u.Username,
		"nick_name":          u.Alias,
		"display_name":       u.Name(),
		"email":              u.Email,
		"email_verified":     true,
		"first_name":         u.FirstName,
		"last_name":          u.LastName,
		"timezone":           "GMT",
		"active":             u.IsActive,
		"user_type":          "STANDARD",
		"language":           "en_US",
		"locale":             "en_US",
		"utcOffset":          0,
		"last_modified_date": formatTime(u.LastModifiedDate),
		"is_app_installed":   true,
		"urls":               s.urls(who),
	})
}

// formatTime renders a datetime the way Salesforce does.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000+0000")
}
