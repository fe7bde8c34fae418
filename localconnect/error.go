package localconnect

import (
	"fmt"
	"net/http"
)

// Error codes the server answers with, spelled as Amazon Connect spells
// them in the X-Amzn-ErrorType header. The SDK maps the modeled ones to
// its typed errors (types.ResourceNotFoundException and so on); the
// authentication ones arrive as smithy.APIError with this code.
const (
	CodeResourceNotFound           = "ResourceNotFoundException"
	CodeInvalidParameter           = "InvalidParameterException"
	CodeInvalidRequest             = "InvalidRequestException"
	CodeDuplicateResource          = "DuplicateResourceException"
	CodeThrottling                 = "ThrottlingException"
	CodeAccessDenied               = "AccessDeniedException"
	CodeInternalService            = "InternalServiceException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
	CodeInvalidSignature           = "InvalidSignatureException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeUnknownOperation           = "UnknownOperationException"
	CodeRequestEntityTooLarge      = "RequestEntityTooLargeException"
)

// Error is an Amazon Connect error: the HTTP status, the error type and a
// message for the caller. The seeding methods return it too, so Go
// callers can branch on Code (errors.As).
type Error struct {
	Status  int    // HTTP status: 400, 403, 404, 409, 429, 500
	Code    string // the X-Amzn-ErrorType, one of the Code constants
	Message string // the "message" member of the body
}

// Error returns the code and message.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func errNotFound(format string, args ...any) *Error {
	return newError(http.StatusNotFound, CodeResourceNotFound, format, args...)
}

func errInvalidParameter(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, CodeInvalidParameter, format, args...)
}

func errInvalidRequest(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, CodeInvalidRequest, format, args...)
}

func errDuplicate(format string, args ...any) *Error {
	return newError(http.StatusConflict, CodeDuplicateResource, format, args...)
}

// Authentication failures are 403, as Amazon Connect's API front end
// answers them.
func errAuth(code, format string, args ...any) *Error {
	return newError(http.StatusForbidden, code, format, args...)
}
