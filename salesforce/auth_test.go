package salesforce_test

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
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"routemap"
	"routemap/salesforce"
	"routemap/sfid"
)

// tokenAnswer answers a token request with access token tok.
func tokenAnswer(tok, instanceURL string) responder {
	return jsonAnswer(200, map[string]string{
		"access_token": tok,
		"instance_url": instanceURL,
		"id":           "https://login.salesforce.com/id/00DHs0000001aBcMAI/005Hs00000ABcDeIAL",
		"token_type":   "Bearer",
		"issued_at":    "1714566896000",
		"signature":    "c2lnbmF0dXJlLWJhc2U2NA==",
	})
}

// form parses a form body.
func form(t *testing.T, body []byte) url.Values {
	t.Helper()
	v, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatalf("form %q: %v", body, err)
	}
	return v
}

func TestStaticTokenExpired(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("GET", mapPath, sfErrors(401, "INVALID_SESSION_ID", "Session expired or invalid"))
	c, _ := newClient(t, reg)
	_, err := c.Retrieve(context.Background(), "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
	var e *routemap.Error
	if !errors.As(err, &e) || e.Code != routemap.EUNAUTHORIZED || e.Reason != "INVALID_SESSION_ID" {
		t.Fatalf("err = %#v, want EUNAUTHORIZED INVALID_SESSION_ID", err)
	}
	if !strings.Contains(e.Message, "log in again") {
		t.Errorf("message %q does not tell the user to log in again", e.Message)
	}
}

func TestStaticTokenEmpty(t *testing.T) {
	reg := newRegistry(t)
	c, err := salesforce.New(instance, salesforce.Options{HTTPClient: reg.Client(), Auth: salesforce.StaticToken{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Versions(context.Background()); routemap.ErrorCode(err) != routemap.EUNAUTHORIZED {
		t.Fatalf("err = %v, want EUNAUTHORIZED", err)
	}
}

func TestClientCredentials(t *testing.T) {
	ctx := context.Background()
	reg := newRegistry(t)
	reg.Register("POST", "/services/oauth2/token", tokenAnswer("00DHs0000001aBc!first", "https://acme--dev.my.salesforce.com/")).
		Check(func(t *testing.T, req *http.Request, body []byte) {
			if req.URL.Host != "acme.my.salesforce.com" {
				t.Errorf("token request to %s, want the My Domain", req.URL.Host)
			}
			if got := req.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type = %q", got)
			}
			want := url.Values{"grant_type": {"client_credentials"}, "client_id": {"3MVG9key"}, "client_secret": {"s3cret"}}
			if diff := cmp.Diff(want, form(t, body)); diff != "" {
				t.Errorf("form (-want +got):\n%s", diff)
			}
		})
	// Both calls go to the instance the token names, with one login.
	reg.Register("GET", "/services/data/", jsonAnswer(200, []any{})).Times(2).
		Check(func(t *testing.T, req *http.Request, body []byte) {
			if req.URL.Host != "acme--dev.my.salesforce.com" || req.Header.Get("Authorization") != "Bearer 00DHs0000001aBc!first" {
				t.Errorf("request to %s with %q", req.URL.Host, req.Header.Get("Authorization"))
			}
		})
	auth := &salesforce.ClientCredentials{URL: instance, ClientID: "3MVG9key", ClientSecret: "s3cret", HTTPClient: reg.Client()}
	c, err := salesforce.New(instance, salesforce.Options{HTTPClient: reg.Client(), Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := c.Versions(ctx); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := auth.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := &salesforce.Token{
		AccessToken: "00DHs0000001aBc!first", InstanceURL: "https://acme--dev.my.salesforce.com",
		IdentityURL: "https://login.salesforce.com/id/00DHs0000001aBcMAI/005Hs00000ABcDeIAL",
		OrgID:       "00DHs0000001aBcMAI", UserID: "005Hs00000ABcDeIAL", IssuedAt: time.UnixMilli(1714566896000).UTC(),
	}
	if diff := cmp.Diff(want, tok); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}
	org, err := c.OrgID(ctx)
	if err != nil || org != "00DHs0000001aBcMAI" {
		t.Errorf("OrgID = %s, %v", org, err)
	}
}

func TestOAuthErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer responder
		auth   func(hc *http.Client) salesforce.Authenticator
		code   string
		reason string
		hint   string
	}{
		{"InvalidClientID", jsonAnswer(400, map[string]string{"error": "invalid_client_id", "error_description": "client identifier invalid"}),
			func(hc *http.Client) salesforce.Authenticator {
				return &salesforce.ClientCredentials{URL: instance, ClientID: "x", ClientSecret: "y", HTTPClient: hc}
			}, routemap.EUNAUTHORIZED, "invalid_client_id", "client identifier invalid"},
		{"PasswordBlocked", jsonAnswer(400, map[string]string{"error": "invalid_grant", "error_description": "authentication failure"}),
			func(hc *http.Client) salesforce.Authenticator {
				return &salesforce.Password{LoginURL: instance, ClientID: "x", ClientSecret: "y", Username: "u", Password: "p", HTTPClient: hc}
			}, routemap.EUNAUTHORIZED, "invalid_grant", "blocks the username-password flow by default"},
		{"RateLimited", jsonAnswer(400, map[string]string{"error": "rate_limit_exceeded", "error_description": "too many logins"}),
			func(hc *http.Client) salesforce.Authenticator {
				return &salesforce.ClientCredentials{URL: instance, ClientID: "x", ClientSecret: "y", HTTPClient: hc}
			}, routemap.ELIMIT, "rate_limit_exceeded", "too many logins"},
		{"NotJSON", rawAnswer(400, "text/html", "<html>no</html>"),
			func(hc *http.Client) salesforce.Authenticator {
				return &salesforce.ClientCredentials{URL: instance, ClientID: "x", ClientSecret: "y", HTTPClient: hc}
			}, routemap.EUNAUTHORIZED, "ERROR_HTTP_400", "400 Bad Request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := newRegistry(t)
			reg.Register("POST", "/services/oauth2/token", tc.answer)
			c, err := salesforce.New(instance, salesforce.Options{HTTPClient: reg.Client(), Auth: tc.auth(reg.Client())})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Versions(context.Background())
			var e *routemap.Error
			if !errors.As(err, &e) || e.Code != tc.code || e.Reason != tc.reason || !strings.Contains(e.Message, tc.hint) {
				t.Fatalf("err = %#v, want %s %s containing %q", err, tc.code, tc.reason, tc.hint)
			}
		})
	}
}

func TestPassword(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("POST", "/services/oauth2/token", tokenAnswer("00DHs0000001aBc!pw", instance)).
		Check(func(t *testing.T, req *http.Request, body []byte) {
			if req.URL.Host != "test.salesforce.com" {
				t.Errorf("token request to %s", req.URL.Host)
			}
			want := url.Values{"grant_type": {"password"}, "client_id": {"key"}, "client_secret": {"sec"}, "username": {"ada@acme.test"}, "password": {"pwTOKEN"}}
			if diff := cmp.Diff(want, form(t, body)); diff != "" {
				t.Errorf("form (-want +got):\n%s", diff)
			}
		})
	auth := &salesforce.Password{LoginURL: "https://test.salesforce.com", ClientID: "key", ClientSecret: "sec", Username: "ada@acme.test", Password: "pwTOKEN", HTTPClient: reg.Client()}
	tok, err := auth.Token(context.Background())
	if err != nil || tok.AccessToken != "00DHs0000001aBc!pw" {
		t.Fatalf("Token = %+v, %v", tok, err)
	}
}

// TestRefreshOnce: a 401 makes the client log in again once and repeat
// the request with the new token; a second 401 is EUNAUTHORIZED.
func TestRefreshOnce(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("POST", "/services/oauth2/token", tokenAnswer("00DHs0000001aBc!one", instance))
		reg.Register("GET", mapPath, sfErrors(401, "INVALID_SESSION_ID", "Session expired or invalid")).
			Check(func(t *testing.T, req *http.Request, body []byte) {
				if got := req.Header.Get("Authorization"); got != "Bearer 00DHs0000001aBc!one" {
					t.Errorf("first try with %q", got)
				}
			})
		reg.Register("POST", "/services/oauth2/token", tokenAnswer("00DHs0000001aBc!two", instance))
		reg.Register("GET", mapPath, jsonAnswer(200, map[string]any{"Id": "0RmHs0000000AbCKAU"})).
			Check(func(t *testing.T, req *http.Request, body []byte) {
				if got := req.Header.Get("Authorization"); got != "Bearer 00DHs0000001aBc!two" {
					t.Errorf("second try with %q", got)
				}
			})
		c, sl := newClient(t, reg, func(o *salesforce.Options) {
			o.Auth = &salesforce.ClientCredentials{URL: instance, ClientID: "k", ClientSecret: "s", HTTPClient: reg.Client()}
		})
		rec, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
		if err != nil || rec.ID() != "0RmHs0000000AbCKAU" {
			t.Fatalf("Retrieve = %v, %v", rec, err)
		}
		if len(sl.Delays()) != 0 {
			t.Errorf("renewal waited %v", sl.Delays())
		}
	})
	t.Run("ErrStillRefused", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("POST", "/services/oauth2/token", tokenAnswer("00DHs0000001aBc!one", instance))
		reg.Register("GET", mapPath, sfErrors(401, "INVALID_SESSION_ID", "Session expired or invalid"))
		reg.Register("POST", "/services/oauth2/token", tokenAnswer("00DHs0000001aBc!two", instance))
		reg.Register("GET", mapPath, sfErrors(401, "INVALID_SESSION_ID", "Session expired or invalid"))
		c, _ := newClient(t, reg, func(o *salesforce.Options) {
			o.Auth = &salesforce.ClientCredentials{URL: instance, ClientID: "k", ClientSecret: "s", HTTPClient: reg.Client()}
		})
		_, err := c.Retrieve(ctx, "CallCenterRoutingMap", "0RmHs0000000AbCKAU")
		if routemap.ErrorCode(err) != routemap.EUNAUTHORIZED {
			t.Fatalf("err = %v, want EUNAUTHORIZED", err)
		}
	})
	t.Run("OKUserinfoBadOAuthToken", func(t *testing.T) {
		reg := newRegistry(t)
		reg.Register("POST", "/services/oauth2/token", tokenAnswer("00DHs0000001aBc!one", instance))
		reg.Register("GET", "/services/oauth2/userinfo", jsonAnswer(403, map[string]string{"error": "Bad_OAuth_Token", "error_description": "Bad_OAuth_Token"}))
		reg.Register("POST", "/services/oauth2/token", tokenAnswer("00DHs0000001aBc!two", instance))
		reg.Register("GET", "/services/oauth2/userinfo", jsonAnswer(200, map[string]any{"user_id": "005Hs00000ABcDeIAL", "organization_id": "00DHs0000001aBcMAI"}))
		c, _ := newClient(t, reg, func(o *salesforce.Options) {
			o.Auth = &salesforce.ClientCredentials{URL: instance, ClientID: "k", ClientSecret: "s", HTTPClient: reg.Client()}
		})
		if _, err := c.Identity(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRefreshConcurrent: many requests refused at once log in again once.
func TestRefreshConcurrent(t *testing.T) {
	reg := newRegistry(t)
	var logins atomic.Int32
	reg.Register("POST", "/services/oauth2/token", func(req *http.Request, body []byte) (*http.Response, error) {
		n := logins.Add(1)
		return tokenAnswer("00DHs0000001aBc!t"+string(rune('0'+n)), instance)(req, body)
	}).Times(-1)
	var ready sync.WaitGroup
	ready.Add(8)
	reg.Register("GET", mapPath, func(req *http.Request, body []byte) (*http.Response, error) {
		if req.Header.Get("Authorization") == "Bearer 00DHs0000001aBc!t1" {
			ready.Done()
			ready.Wait() // every request holds the old token before any renews
			return sfErrors(401, "INVALID_SESSION_ID", "Session expired or invalid")(req, body)
		}
		return jsonAnswer(200, map[string]any{"Id": "0RmHs0000000AbCKAU"})(req, body)
	}).Times(-1)
	c, _ := newClient(t, reg, func(o *salesforce.Options) {
		o.Auth = &salesforce.ClientCredentials{URL: instance, ClientID: "k", ClientSecret: "s", HTTPClient: reg.Client()}
	})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Retrieve(context.Background(), "CallCenterRoutingMap", "0RmHs0000000AbCKAU"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := logins.Load(); n != 2 {
		t.Errorf("logins = %d, want 2 (one, then one renewal)", n)
	}
}

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func TestParseRSAPrivateKey(t *testing.T) {
	key := testKey()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		pem     []byte
		wantErr bool
	}{
		{"OKPKCS1", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), false},
		{"OKPKCS8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), false},
		{"OKAfterCertificate", append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("x")}),
			pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...), false},
		{"ErrEncrypted", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte("x")}), true},
		{"ErrNoPEM", []byte("not a key"), true},
		{"ErrGarbage", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("x")}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := salesforce.ParseRSAPrivateKey(tc.pem)
			if tc.wantErr {
				if routemap.ErrorCode(err) != routemap.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(key) {
				t.Error("a different key came back")
			}
		})
	}
	t.Run("OKFile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "server.key")
		os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600)
		if _, err := salesforce.ReadRSAPrivateKey(path); err != nil {
			t.Fatal(err)
		}
		if _, err := salesforce.ReadRSAPrivateKey(path + ".missing"); err == nil {
			t.Fatal("no error for a missing file")
		}
	})
}

// verifyJWT checks an RS256 assertion with the public key and returns
// its claims.
func verifyJWT(t *testing.T, assertion string, pub *rsa.PublicKey) map[string]any {
	t.Helper()
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		t.Fatalf("assertion %q has %d parts", assertion, len(parts))
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
	var header map[string]string
	raw, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if err := json.Unmarshal(raw, &header); err != nil || header["alg"] != "RS256" {
		t.Errorf("header %s", raw)
	}
	var claims map[string]any
	raw, _ = base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func TestJWTBearer(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	reg := newRegistry(t)
	reg.Register("POST", "/services/oauth2/token", tokenAnswer("00DHs0000001aBc!jwt", instance)).
		Check(func(t *testing.T, req *http.Request, body []byte) {
			if req.URL.Host != "login.salesforce.com" {
				t.Errorf("token request to %s, want login.salesforce.com", req.URL.Host)
			}
			f := form(t, body)
			if got := f.Get("grant_type"); got != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
				t.Errorf("grant_type = %q", got)
			}
			claims := verifyJWT(t, f.Get("assertion"), &testKey().PublicKey)
			want := map[string]any{"iss": "3MVG9key", "sub": "ada@acme.test", "aud": "https://login.salesforce.com", "exp": float64(now.Add(3 * time.Minute).Unix())}
			if diff := cmp.Diff(want, claims); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
		})
	// The instance comes from the token response: New gets no URL.
	reg.Register("GET", "/services/data/", jsonAnswer(200, []any{})).Check(func(t *testing.T, req *http.Request, body []byte) {
		if req.URL.Host != "acme.my.salesforce.com" {
			t.Errorf("REST request to %s", req.URL.Host)
		}
	})
	auth := &salesforce.JWTBearer{ClientID: "3MVG9key", Username: "ada@acme.test", Key: testKey(), HTTPClient: reg.Client(), Now: func() time.Time { return now }}
	c, err := salesforce.New("", salesforce.Options{HTTPClient: reg.Client(), Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Versions(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestJWTBearerSandbox(t *testing.T) {
	auth := &salesforce.JWTBearer{ClientID: "k", Username: "u", Key: testKey(), Audience: salesforce.AudienceSandbox, Lifetime: time.Minute}
	a, err := auth.Assertion()
	if err != nil {
		t.Fatal(err)
	}
	claims := verifyJWT(t, a, &testKey().PublicKey)
	if claims["aud"] != "https://test.salesforce.com" {
		t.Errorf("aud = %v", claims["aud"])
	}
	if _, err := (&salesforce.JWTBearer{ClientID: "k", Username: "u"}).Assertion(); routemap.ErrorCode(err) != routemap.EINVALID {
		t.Errorf("no key: err = %v", err)
	}
}

func TestTokenWithoutIdentity(t *testing.T) {
	reg := newRegistry(t)
	reg.Register("POST", "/services/oauth2/token", jsonAnswer(200, map[string]string{"access_token": "tok", "instance_url": instance}))
	reg.Register("GET", "/services/oauth2/userinfo", jsonAnswer(200, map[string]any{"user_id": "005Hs00000ABcDeIAL", "organization_id": "00DHs0000001aBcMAI"}))
	c, _ := newClient(t, reg, func(o *salesforce.Options) {
		o.Auth = &salesforce.ClientCredentials{URL: instance, ClientID: "k", ClientSecret: "s", HTTPClient: reg.Client()}
	})
	org, err := c.OrgID(context.Background())
	if err != nil || org != sfid.ID("00DHs0000001aBcMAI") {
		t.Fatalf("OrgID = %s, %v", org, err)
	}
}
