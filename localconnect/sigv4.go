package localconnect

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Signature Version 4 constants.
const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	sigService   = "connect"
	sigTerminal  = "aws4_request"
	amzDateFmt   = "20060102T150405Z"
	// MaxClockSkew is how far a request's X-Amz-Date may be from the
	// server's clock, as AWS allows.
	MaxClockSkew = 15 * time.Minute
)

// authorization is the parsed Authorization header.
type authorization struct {
	keyID         string
	date          string // yyyymmdd from the credential scope
	region        string
	service       string
	terminal      string
	signedHeaders string
	signature     string
}

func parseAuthorization(h string) (authorization, bool) {
	var a authorization
	rest, ok := strings.CutPrefix(h, sigAlgorithm+" ")
	if !ok {
		return a, false
	}
	var credential string
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, false
		}
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			a.signedHeaders = v
		case "Signature":
			a.signature = v
		}
	}
	scope := strings.Split(credential, "/")
	if len(scope) != 5 || a.signedHeaders == "" || a.signature == "" {
		return a, false
	}
	a.keyID, a.date, a.region, a.service, a.terminal = scope[0], scope[1], scope[2], scope[3], scope[4]
	return a, true
}

// authenticate checks the request's SigV4 signature. It parses the
// Authorization header, checks the credential scope, the key and the
// X-Amz-Date, then rebuilds the request from what the client said it
// signed (method, escaped path, query, the signed headers and the hash of
// the body), signs that copy with the SDK's signer and the key's secret at
// the client's X-Amz-Date, and compares the two signatures in constant
// time. Any header the client did not sign is left out of the copy, so
// headers a proxy or transport adds later do not matter.
func (s *Server) authenticate(r *http.Request, body []byte, now time.Time) (AccessKey, *Error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if r.URL.Query().Has("X-Amz-Signature") {
			return AccessKey{}, errAuth(CodeIncompleteSignature, "presigned URLs are not supported; sign the request with an Authorization header")
		}
		return AccessKey{}, errAuth(CodeMissingAuthenticationToken, "Missing Authentication Token")
	}
	a, ok := parseAuthorization(h)
	if !ok {
		return AccessKey{}, errAuth(CodeIncompleteSignature,
			"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters and the %s algorithm", sigAlgorithm)
	}
	if a.service != sigService || a.terminal != sigTerminal {
		return AccessKey{}, errAuth(CodeInvalidSignature, "Credential should be scoped to correct service: '%s'.", sigService)
	}
	if a.region != s.region {
		return AccessKey{}, errAuth(CodeInvalidSignature, "Credential should be scoped to a valid region, not '%s'; this endpoint serves '%s'.", a.region, s.region)
	}
	s.mu.Lock()
	key, known := s.st.keys[a.keyID]
	s.mu.Unlock()
	if !known || r.Header.Get("X-Amz-Security-Token") != "" {
		// The server issues long-term keys only, so any session token is
		// one it did not issue.
		return AccessKey{}, errAuth(CodeUnrecognizedClient, "The security token included in the request is invalid.")
	}
	signed := strings.Split(a.signedHeaders, ";")
	if !slices.Contains(signed, "host") || !slices.Contains(signed, "x-amz-date") {
		return AccessKey{}, errAuth(CodeIncompleteSignature, "the signed headers must include host and x-amz-date")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateFmt, amzDate)
	if err != nil {
		return AccessKey{}, errAuth(CodeIncompleteSignature, "X-Amz-Date %q is not an ISO 8601 basic date-time (%s)", amzDate, amzDateFmt)
	}
	if a.date != t.Format("20060102") {
		return AccessKey{}, errAuth(CodeInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s'", a.date, t.Format("20060102"))
	}
	if t.Before(now.Add(-MaxClockSkew)) {
		return AccessKey{}, errAuth(CodeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, now.Add(-MaxClockSkew).UTC().Format(amzDateFmt), now.UTC().Format(amzDateFmt))
	}
	if t.After(now.Add(MaxClockSkew)) {
		return AccessKey{}, errAuth(CodeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, now.Add(MaxClockSkew).UTC().Format(amzDateFmt), now.UTC().Format(amzDateFmt))
	}

	cp, missing := signedCopy(r, signed, int64(len(body)))
	if missing != "" {
		return AccessKey{}, errAuth(CodeInvalidSignature, "the signed header %s is missing from the request", missing)
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret}
	if err := s.signer.SignHTTP(context.Background(), creds, cp, hex.EncodeToString(sum[:]), sigService, a.region, t); err != nil {
		return AccessKey{}, errAuth(CodeInvalidSignature, "the request could not be signed for checking")
	}
	want, ok := parseAuthorization(cp.Header.Get("Authorization"))
	if !ok || want.signedHeaders != a.signedHeaders ||
		subtle.ConstantTimeCompare([]byte(want.signature), []byte(a.signature)) != 1 {
		return AccessKey{}, errAuth(CodeInvalidSignature, "The request signature we calculated does not match the signature you provided. "+
			"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return key, nil
}

// signedCopy rebuilds the part of r the client signed: method, escaped
// path, query and the named headers. It reports a signed header the
// request lacks.
func signedCopy(r *http.Request, signed []string, bodyLen int64) (*http.Request, string) {
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	if r.TLS != nil {
		u.Scheme = "https"
	}
	cp := &http.Request{Method: r.Method, URL: &u, Host: r.Host, Header: http.Header{}}
	for _, name := range signed {
		switch name {
		case "host":
		case "content-length":
			// The SDK's signer signs r.ContentLength, not the header.
			cp.ContentLength = bodyLen
		default:
			values := r.Header.Values(name)
			if values == nil {
				return nil, name
			}
			cp.Header[textproto.CanonicalMIMEHeaderKey(name)] = values
		}
	}
	return cp, ""
}
