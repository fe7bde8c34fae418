package http_test

import (
	"io"
	"net/http"

	rmhttp "routemap/http"

	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"routemap"
)

func TestToken(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 1)
	form := func(extra map[string]string) url.Values {
		v := url.Values{"grant_type": {"password"}, "client_id": {o.ClientID}, "client_secret": {o.ClientSecret},
			"username": {o.Admin.Username}, "password": {password}}
		for k, x := range extra {
			if x == "" {
				v.Del(k)
			} else {
				v.Set(k, x)
			}
		}
		return v
	}
	t.Run("OKPassword", func(t *testing.T) {
		status, body := e.form("/services/oauth2/token", form(nil))
		if status != 200 {
			t.Fatalf("%d %s", status, body)
		}
		var tok map[string]string
		json.Unmarshal(body, &tok)
		// The Salesforce CLI accepts only tokens shaped like Salesforce's.
		if !regexp.MustCompile(`^00D\w{12}![\w.]+$`).MatchString(tok["access_token"]) || !strings.HasPrefix(tok["access_token"], o.ID.Short()+"!") {
			t.Errorf("token %q", tok["access_token"])
		}
		if tok["instance_url"] != e.srv.URL() || tok["token_type"] != "Bearer" || tok["signature"] == "" {
			t.Errorf("response %v", tok)
		}
		if !strings.HasSuffix(tok["id"], "/id/"+string(o.ID)+"/"+string(o.Admin.ID)) {
			t.Errorf("id %q", tok["id"])
		}
		if ms := tok["issued_at"]; ms != "1795608000000" {
			t.Errorf("issued_at %q, want epoch milliseconds of the clock", ms)
		}
	})
	t.Run("OKClientCredentialsWithBasicAuth", func(t *testing.T) {
		v := url.Values{"grant_type": {"client_credentials"}}
		req := strings.NewReader(v.Encode())
		u, _ := url.Parse(e.srv.URL() + "/services/oauth2/token")
		u.User = url.UserPassword(o.ClientID, o.ClientSecret)
		resp, err := httpPost(u.String(), req)
		if err != nil || resp.status != 200 || !strings.Contains(resp.body, `"scope":"api"`) {
			t.Fatalf("%v %+v", err, resp)
		}
	})
	for _, tc := range []struct {
		name, code string
		extra      map[string]string
	}{
		{"ErrBadPassword", "invalid_grant", map[string]string{"password": "nope"}},
		{"ErrUnknownUser", "invalid_grant", map[string]string{"username": "ghost@acme.test"}},
		{"ErrUnknownClient", "invalid_client_id", map[string]string{"client_id": "nope"}},
		{"ErrBadSecret", "invalid_client", map[string]string{"client_secret": "nope"}},
		{"ErrNoGrant", "unsupported_grant_type", map[string]string{"grant_type": ""}},
		{"ErrRefreshToken", "unsupported_grant_type", map[string]string{"grant_type": "refresh_token"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.form("/services/oauth2/token", form(tc.extra))
			var got struct{ Error string }
			json.Unmarshal(body, &got)
			if status != 400 || got.Error != tc.code {
				t.Fatalf("%d %s, want 400 %s", status, body, tc.code)
			}
		})
	}
	t.Run("ErrOtherOrgsUserThroughThisApp", func(t *testing.T) {
		other := e.seed("Globex", 0)
		status, _ := e.form("/services/oauth2/token", form(map[string]string{"username": other.Admin.Username}))
		if status != 400 {
			t.Fatalf("status %d", status)
		}
	})
}

type simpleResponse struct {
	status int
	body   string
}

// httpPost posts a form body, with any credentials in the URL sent as
// HTTP Basic authentication.
func httpPost(u string, body *strings.Reader) (*simpleResponse, error) {
	resp, err := http.Post(u, "application/x-www-form-urlencoded", body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &simpleResponse{status: resp.StatusCode, body: string(b)}, nil
}

func TestSession(t *testing.T) {
	e := newEnv(t, func(s *rmhttp.Server) { s.TokenTTL = time.Hour })
	o := e.seed("Acme", 0)
	token := e.login(o, o.Admin)
	t.Run("OK", func(t *testing.T) {
		if r := e.do("GET", v62+"/sobjects", token, nil); r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("ErrMissingOrBadToken", func(t *testing.T) {
		for _, tok := range []string{"", "garbage", token + "x", strings.Repeat("a", 2000)} {
			r := e.do("GET", v62+"/sobjects", tok, nil)
			if r.Status != 401 || string(r.Body) != `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`+"\n" {
				t.Fatalf("token %.10q: %d %s", tok, r.Status, r.Body)
			}
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		e.advance(2 * time.Hour)
		defer e.advance(-2 * time.Hour)
		if r := e.do("GET", v62+"/sobjects", token, nil); r.Status != 401 {
			t.Fatalf("expired token: %d", r.Status)
		}
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		tok := e.login(o, o.Admin)
		if status, body := e.form("/services/oauth2/revoke", url.Values{"token": {tok}}); status != 200 {
			t.Fatalf("revoke: %d %s", status, body)
		}
		if r := e.do("GET", v62+"/sobjects", tok, nil); r.Status != 401 {
			t.Fatalf("revoked token: %d", r.Status)
		}
		if r := e.do("GET", v62+"/sobjects", token, nil); r.Status != 200 {
			t.Fatalf("other token: %d", r.Status)
		}
	})
	t.Run("OKUserinfoAndIdentity", func(t *testing.T) {
		var info map[string]any
		r := e.do("GET", "/services/oauth2/userinfo", token, nil)
		r.JSON(t, &info)
		if info["user_id"] != string(o.Admin.ID) || info["organization_id"] != string(o.ID) || info["preferred_username"] != o.Admin.Username {
			t.Fatalf("userinfo %v", info)
		}
		r = e.do("GET", "/id/"+string(o.ID)+"/"+string(o.Admin.ID), token, nil)
		r.JSON(t, &info)
		if r.Status != 200 || info["username"] != o.Admin.Username {
			t.Fatalf("identity %d %v", r.Status, info)
		}
	})
	t.Run("ErrInactiveUser", func(t *testing.T) {
		tok := e.login(o, o.Viewer)
		inactive := false
		if _, err := e.store.UpdateUser(t.Context(), o.ID, o.Viewer.ID, routemap.UserUpdate{IsActive: &inactive}); err != nil {
			t.Fatal(err)
		}
		e.advance(10 * time.Second) // past the session cache
		defer e.advance(-10 * time.Second)
		if r := e.do("GET", v62+"/sobjects", tok, nil); r.Status != 401 {
			t.Fatalf("inactive user's token: %d", r.Status)
		}
	})
}

func TestJWTBearer(t *testing.T) {
	e := newEnv(t)
	o := e.seed("Acme", 0)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err := e.store.CreateConnectedApp(t.Context(), &routemap.ConnectedApp{OrgID: o.ID, Name: "JWT", ClientID: "jwt-client", SecretHash: hashed, CertificatePEM: pemKey}); err != nil {
		t.Fatal(err)
	}
	assertion := func(k *rsa.PrivateKey, claims map[string]any) string {
		enc := func(v any) string {
			b, _ := json.Marshal(v)
			return base64.RawURLEncoding.EncodeToString(b)
		}
		head := enc(map[string]string{"alg": "RS256"}) + "." + enc(claims)
		sum := sha256.Sum256([]byte(head))
		sig, _ := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		return head + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	claims := func() map[string]any {
		return map[string]any{"iss": "jwt-client", "sub": o.Admin.Username, "aud": "https://login.salesforce.com", "exp": e.clock().Add(3 * time.Minute).Unix()}
	}
	grant := "urn:ietf:params:oauth:grant-type:jwt-bearer"
	if status, body := e.form("/services/oauth2/token", url.Values{"grant_type": {grant}, "assertion": {assertion(key, claims())}}); status != 200 {
		t.Fatalf("OK: %d %s", status, body)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	expired := claims()
	expired["exp"] = e.clock().Add(-time.Hour).Unix()
	wrongAud := claims()
	wrongAud["aud"] = "https://evil.example.com"
	for name, a := range map[string]string{
		"ErrWrongKey":  assertion(other, claims()),
		"ErrExpired":   assertion(key, expired),
		"ErrAudience":  assertion(key, wrongAud),
		"ErrMalformed": "a.b",
	} {
		if status, _ := e.form("/services/oauth2/token", url.Values{"grant_type": {grant}, "assertion": {a}}); status != 400 {
			t.Errorf("%s: status %d", name, status)
		}
	}
}
