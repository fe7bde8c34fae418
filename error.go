package routemap

import (
	"errors"
	"fmt"
)

// Error codes. They are few on purpose: a code exists when some caller
// branches on it. The HTTP edge maps them (with Reason) to Salesforce
// status codes and errorCode values; the CLI maps them to exit codes.
const (
	EINVALID      = "invalid"      // the input breaks a rule; Problems says which
	ENOTFOUND     = "not_found"    // no such record in the caller's org
	ECONFLICT     = "conflict"     // a uniqueness rule holds another record
	EUNAUTHORIZED = "unauthorized" // no valid session or credentials
	EFORBIDDEN    = "forbidden"    // the caller lacks a permission
	ELIMIT        = "limit"        // a request or size limit was reached
	EINTERNAL     = "internal"     // a fault inside routemap or its storage
)

// Error is routemap's error: a code to branch on, a reason naming the exact
// rule, a message for the person who caused it, and the fields involved.
type Error struct {
	Code    string
	Reason  string // a Problem code or another rule name; may be empty
	Message string
	Fields  []string
	// Problems lists every error-severity problem when Code is EINVALID
	// and the error came from Check.
	Problems []Problem
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the *Error in err's chain. Other
// errors are internal and their text is not for users, so it returns a
// generic message for them.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// InvalidError returns an EINVALID *Error carrying the error-severity
// problems, or nil when there are none. Its message is the first problem's.
func InvalidError(problems []Problem) error {
	var errs []Problem
	for _, p := range problems {
		if p.Severity == SeverityError {
			errs = append(errs, p)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	e := &Error{Code: EINVALID, Reason: errs[0].Code, Message: errs[0].Message, Problems: errs}
	for _, p := range errs {
		if p.Field != "" {
			e.Fields = append(e.Fields, p.Field)
		}
	}
	return e
}
