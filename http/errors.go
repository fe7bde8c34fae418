package http

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"routemap"
	"routemap/soql"
)

// apiError is one element of Salesforce's REST error array.
type apiError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields,omitempty"`
}

// collectionError is an error inside an sObject Collections result, where
// Salesforce spells the code "statusCode".
type collectionError struct {
	StatusCode string   `json:"statusCode"`
	Message    string   `json:"message"`
	Fields     []string `json:"fields"`
}

// Salesforce errorCode values routemap answers with.
const (
	codeRequiredFieldMissing  = "REQUIRED_FIELD_MISSING"
	codeMalformedID           = "MALFORMED_ID"
	codeFieldIntegrity        = "FIELD_INTEGRITY_EXCEPTION"
	codeStringTooLong         = "STRING_TOO_LONG"
	codeInvalidPicklist       = "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
	codeInvalidCrossReference = "INVALID_CROSS_REFERENCE_KEY"
	codeDuplicateValue        = "DUPLICATE_VALUE"
	codeRolledBack            = "ALL_OR_NONE_OPERATION_ROLLED_BACK"
	codeEntityIsDeleted       = "ENTITY_IS_DELETED"
	codeNotFound              = "NOT_FOUND"
	codeInvalidSession        = "INVALID_SESSION_ID"
	codeInsufficientAccess    = "INSUFFICIENT_ACCESS_OR_READONLY"
	codeRequestLimit          = "REQUEST_LIMIT_EXCEEDED"
	codeInvalidField          = "INVALID_FIELD"
	codeInvalidFieldWrite     = "INVALID_FIELD_FOR_INSERT_UPDATE"
	codeInvalidType           = "INVALID_TYPE"
	codeMalformedQuery        = "MALFORMED_QUERY"
	codeInvalidQueryFilter    = "INVALID_QUERY_FILTER_OPERATOR"
	codeJSONParser            = "JSON_PARSER_ERROR"
	codeMethodNotAllowed      = "METHOD_NOT_ALLOWED"
	codeUnsupportedMediaType  = "UNSUPPORTED_MEDIA_TYPE"
	codeAPIDisabled           = "API_CURRENTLY_DISABLED"
	codeTooManyRecords        = "EXCEEDED_ID_LIMIT"
	codeInvalidQueryLocator   = "INVALID_QUERY_LOCATOR"
	codeUnknownException      = "UNKNOWN_EXCEPTION"
	codeInvalidBatch          = "INVALIDJOBSTATE"
	codeInvalidJob            = "INVALIDJOB"
	codeRequestTooLarge       = "REQUEST_ENTITY_TOO_LARGE"
	codeInvalidInput          = "INVALID_INPUT"
)

// sessionExpired is the exact 401 body Salesforce sends for a missing,
// malformed, expired or revoked token.
var sessionExpired = apiError{Message: "Session expired or invalid", ErrorCode: codeInvalidSession}

// reasonCodes maps the Reason of a routemap.Error (a Problem code or a
// store rule) to a Salesforce errorCode. Reasons not listed fall back on
// the error's Code.
var reasonCodes = map[string]string{
	routemap.CodeRequired:                 codeRequiredFieldMissing,
	routemap.CodeIDMalformed:              codeMalformedID,
	routemap.CodeIDChecksum:               codeMalformedID,
	routemap.CodeIDCase:                   codeMalformedID,
	routemap.CodeIDWrongObject:            codeFieldIntegrity,
	routemap.CodeTooLong:                  codeStringTooLong,
	routemap.CodeLanguageInvalid:          codeInvalidPicklist,
	routemap.CodeCallCenterMismatch:       codeFieldIntegrity,
	routemap.ReasonReferenceNotFound:      codeInvalidCrossReference,
	routemap.ReasonNotMember:              codeFieldIntegrity,
	routemap.ReasonDuplicateDeveloperName: codeDuplicateValue,
	routemap.ReasonDuplicateUser:          codeDuplicateValue,
	routemap.ReasonDuplicateExternalID:    codeDuplicateValue,
	routemap.ReasonDuplicateUsername:      codeDuplicateValue,
	routemap.ReasonDuplicateValue:         codeDuplicateValue,
	routemap.ReasonRolledBack:             codeRolledBack,
	routemap.ReasonDeleted:                codeEntityIsDeleted,
	soql.ReasonMalformedQuery:             codeMalformedQuery,
	soql.ReasonInvalidField:               codeInvalidField,
	soql.ReasonInvalidType:                codeInvalidType,
	soql.ReasonInvalidFilterValue:         codeInvalidQueryFilter,
	reasonInvalidField:                    codeInvalidField,
	reasonInvalidFieldWrite:               codeInvalidFieldWrite,
	reasonJSON:                            codeJSONParser,
	reasonMethod:                          codeMethodNotAllowed,
	reasonMediaType:                       codeUnsupportedMediaType,
	reasonAPIDisabled:                     codeAPIDisabled,
	reasonTooMany:                         codeTooManyRecords,
	reasonLocator:                         codeInvalidQueryLocator,
	reasonTooLarge:                        codeRequestTooLarge,
	reasonInvalidType:                     codeInvalidType,
	reasonJobState:                        codeInvalidBatch,
	reasonInvalidJob:                      codeInvalidJob,
	reasonInvalidInput:                    codeInvalidInput,
	reasonMalformedID:                     codeMalformedID,
}

// Reasons the HTTP layer itself gives routemap errors.
const (
	reasonInvalidField      = "http_invalid_field"
	reasonInvalidFieldWrite = "http_invalid_field_write"
	reasonJSON              = "http_json"
	reasonMethod            = "http_method"
	reasonMediaType         = "http_media_type"
	reasonAPIDisabled       = "http_api_disabled"
	reasonTooMany           = "http_too_many_records"
	reasonLocator           = "http_query_locator"
	reasonTooLarge          = "http_too_large"
	reasonInvalidType       = "http_invalid_type"
	reasonJobState          = "http_job_state"
	reasonInvalidJob        = "http_invalid_job"
	reasonInvalidInput      = "http_invalid_input"
	reasonMalformedID       = "http_malformed_id"
)

// problemCodes maps the Problem codes that describe bad values but have no
// closer Salesforce equivalent.
func problemCode(reason string) string {
	switch {
	case strings.HasPrefix(reason, "external_id_"), strings.HasPrefix(reason, "quick_connect_"),
		strings.HasPrefix(reason, "arn_"), strings.HasPrefix(reason, "developer_name_"),
		strings.HasPrefix(reason, "control_"), strings.HasPrefix(reason, "mixed_"),
		reason == routemap.CodeWhitespace:
		return codeFieldIntegrity
	}
	return ""
}

// statusFor returns the HTTP status and Salesforce errorCode for err.
func statusFor(err error) (int, string) {
	var e *routemap.Error
	if !errors.As(err, &e) {
		return http.StatusInternalServerError, codeUnknownException
	}
	code := reasonCodes[e.Reason]
	if code == "" {
		code = problemCode(e.Reason)
	}
	switch e.Code {
	case routemap.ENOTFOUND:
		if code == "" {
			code = codeNotFound
		}
		return http.StatusNotFound, code
	case routemap.EUNAUTHORIZED:
		return http.StatusUnauthorized, codeInvalidSession
	case routemap.EFORBIDDEN:
		if code == "" {
			code = codeInsufficientAccess
		}
		if code == codeAPIDisabled {
			return http.StatusForbidden, code
		}
		return http.StatusBadRequest, code
	case routemap.ELIMIT:
		if code == "" {
			code = codeRequestLimit
			return http.StatusForbidden, code
		}
		if code == codeRequestTooLarge {
			return http.StatusRequestEntityTooLarge, code
		}
		return http.StatusBadRequest, code
	case routemap.ECONFLICT:
		if code == "" {
			code = codeDuplicateValue
		}
		return http.StatusBadRequest, code
	case routemap.EINVALID:
		if code == "" {
			code = codeFieldIntegrity
		}
		switch code {
		case codeMethodNotAllowed:
			return http.StatusMethodNotAllowed, code
		case codeUnsupportedMediaType:
			return http.StatusUnsupportedMediaType, code
		}
		return http.StatusBadRequest, code
	}
	return http.StatusInternalServerError, codeUnknownException
}

// apiErrors renders err as Salesforce's error array: one element per
// problem for validation errors, one for anything else. Internal errors are
// logged with an id that the message carries, and their text stays here.
func (s *Server) apiErrors(r *http.Request, err error) (int, []apiError) {
	status, code := statusFor(err)
	if status == http.StatusInternalServerError {
		id := errorID()
		s.logger().Error("internal error", slog.String("error_id", id), slog.String("request_id", requestID(r)), slog.Any("error", err))
		return status, []apiError{{Message: "An unexpected error occurred. Please include this ErrorId if you contact support: " + id, ErrorCode: code}}
	}
	var e *routemap.Error
	errors.As(err, &e)
	if len(e.Problems) > 0 {
		// Salesforce names every missing field in one error.
		var missing []string
		out := make([]apiError, 0, len(e.Problems))
		for _, p := range e.Problems {
			if p.Code == routemap.CodeRequired {
				if len(missing) == 0 {
					out = append(out, apiError{ErrorCode: codeRequiredFieldMissing})
				}
				missing = append(missing, p.Field)
				continue
			}
			_, c := statusFor(&routemap.Error{Code: routemap.EINVALID, Reason: p.Code})
			out = append(out, apiError{Message: problemMessage(p), ErrorCode: c, Fields: fieldsOf(p.Field)})
		}
		for i := range out {
			if out[i].ErrorCode == codeRequiredFieldMissing && out[i].Message == "" {
				out[i].Message = "Required fields are missing: [" + strings.Join(missing, ", ") + "]"
				out[i].Fields = missing
			}
		}
		return status, out
	}
	if e.Code == routemap.ENOTFOUND && e.Reason == "" {
		// The store says what it did not find; Salesforce says this.
		return status, []apiError{{Message: "The requested resource does not exist", ErrorCode: code}}
	}
	return status, []apiError{{Message: e.Message, ErrorCode: code, Fields: e.Fields}}
}

// collectionErrors renders err for a result inside sObject Collections.
func (s *Server) collectionErrors(r *http.Request, err error) []collectionError {
	_, list := s.apiErrors(r, err)
	out := make([]collectionError, len(list))
	for i, e := range list {
		f := e.Fields
		if f == nil {
			f = []string{}
		}
		out[i] = collectionError{StatusCode: e.ErrorCode, Message: e.Message, Fields: f}
	}
	return out
}

// problemMessage words a validation problem, followed by its fix.
func problemMessage(p routemap.Problem) string {
	msg := p.Message
	if p.Fix != "" {
		msg += " (fix: " + p.Fix + ")"
	}
	return msg
}

func fieldsOf(f string) []string {
	if f == "" {
		return nil
	}
	return []string{f}
}

func errorID() string {
	var b [8]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
