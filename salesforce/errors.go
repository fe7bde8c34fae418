package salesforce

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"routemap"
)

// errorCodes maps Salesforce errorCode (or statusCode) values to routemap
// error codes: the inverse of package http's table. Codes not listed fall
// back on the HTTP status (see codeFor).
var errorCodes = map[string]string{
	"NOT_FOUND":                                     routemap.ENOTFOUND,
	"ENTITY_IS_DELETED":                             routemap.ENOTFOUND,
	"INVALID_SESSION_ID":                            routemap.EUNAUTHORIZED,
	"INSUFFICIENT_ACCESS_OR_READONLY":               routemap.EFORBIDDEN,
	"INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY": routemap.EFORBIDDEN,
	"API_DISABLED_FOR_ORG":                          routemap.EFORBIDDEN,
	"API_CURRENTLY_DISABLED":                        routemap.EFORBIDDEN,
	"REQUEST_LIMIT_EXCEEDED":                        routemap.ELIMIT,
	"REQUEST_ENTITY_TOO_LARGE":                      routemap.ELIMIT,
	"DUPLICATE_VALUE":                               routemap.ECONFLICT,
	"DUPLICATE_DEVELOPER_NAME":                      routemap.ECONFLICT,
	"DUPLICATE_USERNAME":                            routemap.ECONFLICT,
	"UNKNOWN_EXCEPTION":                             routemap.EINTERNAL,
}

// oauthCodes maps the "error" of an OAuth error object.
var oauthCodes = map[string]string{
	"invalid_request":     routemap.EINVALID,
	"rate_limit_exceeded": routemap.ELIMIT,
	"server_error":        routemap.EINTERNAL,
}

// codeFor returns the routemap code for a Salesforce errorCode answered
// with HTTP status (0 inside sObject Collections results, where every
// unknown code is EINVALID).
func codeFor(sfCode string, status int) string {
	if c, ok := errorCodes[sfCode]; ok {
		return c
	}
	switch {
	case status == http.StatusUnauthorized:
		return routemap.EUNAUTHORIZED
	case status == http.StatusForbidden:
		return routemap.EFORBIDDEN
	case status == http.StatusNotFound:
		return routemap.ENOTFOUND
	case status == http.StatusTooManyRequests, status == http.StatusRequestEntityTooLarge:
		return routemap.ELIMIT
	case status >= 500:
		return routemap.EINTERNAL
	}
	return routemap.EINVALID
}

// apiError is one element of a Salesforce error array. REST answers name
// the code errorCode; sObject Collections results name it statusCode.
type apiError struct {
	Message    string   `json:"message"`
	ErrorCode  string   `json:"errorCode"`
	StatusCode string   `json:"statusCode"`
	Fields     []string `json:"fields"`
}

func (e apiError) code() string {
	if e.ErrorCode != "" {
		return e.ErrorCode
	}
	return e.StatusCode
}

// fromAPIErrors folds a Salesforce error array into one *routemap.Error:
// the first element gives Code, Reason and Message; later ones are added
// to the Message as "; CODE: message"; Fields gathers every element's.
func fromAPIErrors(list []apiError, status int) *routemap.Error {
	if len(list) == 0 {
		return nil
	}
	first := list[0]
	e := &routemap.Error{Code: codeFor(first.code(), status), Reason: first.code(), Message: first.Message}
	if e.Message == "" {
		e.Message = first.code()
	}
	seen := map[string]bool{}
	for i, a := range list {
		if i > 0 {
			e.Message += "; " + a.code() + ": " + a.Message
		}
		for _, f := range a.Fields {
			if f != "" && !seen[f] {
				seen[f] = true
				e.Fields = append(e.Fields, f)
			}
		}
	}
	return e
}

// oauthError is the JSON object the OAuth endpoints answer errors with.
type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func (o oauthError) toError() *routemap.Error {
	code, ok := oauthCodes[o.Error]
	if !ok {
		code = routemap.EUNAUTHORIZED
	}
	msg := o.ErrorDescription
	if msg == "" {
		msg = o.Error
	}
	return &routemap.Error{Code: code, Reason: o.Error, Message: msg}
}

// readError reads an error answer (at most 1 MiB of it), closes the body
// and returns what it says as a *routemap.Error. It understands the REST
// error array, a single error object, the OAuth error object, and falls
// back on the text of anything else with Reason ERROR_HTTP_<status>, as
// jsforce does.
func readError(resp *http.Response) *routemap.Error {
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBytes))
	return parseError(resp.StatusCode, data)
}

func parseError(status int, data []byte) *routemap.Error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 {
		switch trimmed[0] {
		case '[':
			var list []apiError
			if json.Unmarshal(trimmed, &list) == nil {
				if e := fromAPIErrors(list, status); e != nil && e.Reason != "" {
					return e
				}
			}
		case '{':
			var o struct {
				oauthError
				apiError
			}
			if json.Unmarshal(trimmed, &o) == nil {
				if o.Error != "" {
					e := o.oauthError.toError()
					if status >= 500 && e.Code == routemap.EUNAUTHORIZED {
						e.Code = routemap.EINTERNAL
					}
					return e
				}
				if o.code() != "" {
					return fromAPIErrors([]apiError{o.apiError}, status)
				}
			}
		}
	}
	msg := string(trimmed)
	if !utf8.ValidString(msg) || strings.HasPrefix(msg, "<") {
		msg = "" // binary or an HTML page: its text helps nobody
	}
	if len(msg) > 500 {
		msg = msg[:500] + "…"
	}
	if msg == "" {
		msg = strconv.Itoa(status) + " " + http.StatusText(status)
	}
	return &routemap.Error{Code: codeFor("", status), Reason: "ERROR_HTTP_" + strconv.Itoa(status), Message: msg}
}

// isSessionError reports whether an answer says the access token is no
// good: any 401, or the 403 Bad_OAuth_Token of /services/oauth2/userinfo.
func isSessionError(status int, e *routemap.Error) bool {
	return status == http.StatusUnauthorized || (status == http.StatusForbidden && e.Reason == "Bad_OAuth_Token")
}

// sessionError makes the error for a session that was refused even after
// a renewal (or that could not be renewed).
func sessionError(e *routemap.Error) *routemap.Error {
	out := *e
	out.Code = routemap.EUNAUTHORIZED
	if out.Reason == "" || strings.HasPrefix(out.Reason, "ERROR_HTTP_") {
		out.Reason = "INVALID_SESSION_ID"
	}
	return &out
}

// ParseBulkError reads the sf__Error column of a Bulk API 2.0 failed
// result, "CODE:message:fields --" (e.g. "REQUIRED_FIELD_MISSING:Required
// fields are missing: [CallCenterId]:CallCenterId --"), into a
// *routemap.Error with Code mapped as for REST errors, Reason the
// Salesforce code, and Fields the comma-separated field list. Text that is
// not in that form becomes an EINVALID error with the text as Message.
func ParseBulkError(s string) *routemap.Error {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, "--"))
	code, rest, ok := strings.Cut(s, ":")
	if !ok || code == "" || strings.ToUpper(code) != code || strings.ContainsAny(code, " \t") {
		return &routemap.Error{Code: routemap.EINVALID, Message: s}
	}
	msg, fields := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		msg, fields = rest[:i], rest[i+1:]
		if strings.Contains(fields, " ") && !strings.Contains(fields, ",") {
			// The last colon is inside the message, not before a field list.
			msg, fields = rest, ""
		}
	}
	e := &routemap.Error{Code: codeFor(code, 0), Reason: code, Message: strings.TrimSpace(msg)}
	for _, f := range strings.Split(fields, ",") {
		if f = strings.TrimSpace(f); f != "" {
			e.Fields = append(e.Fields, f)
		}
	}
	if e.Message == "" {
		e.Message = code
	}
	return e
}
