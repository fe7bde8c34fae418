package routemap

import "fmt"

// Severity says whether a problem stops a routing map from being written.
type Severity string

// Severities.
const (
	// SeverityError: Salesforce (or routemap's server) would reject the
	// record, or it would be stored but calls would not route.
	SeverityError Severity = "error"
	// SeverityWarning: the record would be accepted but does not follow the
	// article's conventions, or routemap had to normalize it.
	SeverityWarning Severity = "warning"
)

// Problem is one broken rule on one field of one record. Code is stable and
// documented in docs/validation.md; Message says what is wrong in the
// admin's terms; Fix, when not empty, says what to do about it.
type Problem struct {
	Field    string   `json:"field,omitempty"`
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix,omitempty"`
	// Mechanical reports that Check applied the fix to Checked.Fixed: the
	// corrected value follows from the record alone.
	Mechanical bool `json:"mechanical,omitempty"`
}

// Problem codes for single records. docs/validation.md describes each.
const (
	CodeRequired           = "required"
	CodeWhitespace         = "whitespace"
	CodeControlCharacter   = "control_character"
	CodeTooLong            = "too_long"
	CodeIDMalformed        = "id_malformed"
	CodeIDChecksum         = "id_checksum"
	CodeIDCase             = "id_case"
	CodeID15               = "id_15"
	CodeIDWrongObject      = "id_wrong_object"
	CodeCallCenterMismatch = "call_center_mismatch"

	CodeDeveloperNameSyntax     = "developer_name_syntax"
	CodeDeveloperNameConvention = "developer_name_convention"
	CodeMasterLabelConvention   = "master_label_convention"

	CodeARNMalformed            = "arn_malformed"
	CodeExternalIDNotARN        = "external_id_not_arn"
	CodeExternalIDARNKind       = "external_id_arn_kind"
	CodeExternalIDOtherInstance = "external_id_other_instance"
	CodeExternalIDIsARN         = "external_id_is_arn"
	CodeExternalIDBareAgentID   = "external_id_bare_agent_id"

	CodeQuickConnectMalformed     = "quick_connect_malformed"
	CodeQuickConnectOtherInstance = "quick_connect_other_instance"
	CodeQuickConnectNotSupported  = "quick_connect_not_supported"

	CodeLanguageInvalid = "language_invalid"
	CodeLanguageUnknown = "language_unknown"
)

// Problem codes for rules across the records of one file (CrossCheck).
const (
	CodeDuplicateDeveloperName = "duplicate_developer_name"
	CodeDuplicateUser          = "duplicate_user"
	CodeUserInTwoCallCenters   = "user_in_two_call_centers"
	CodeDuplicateExternalID    = "duplicate_external_id"
	CodeMixedInstances         = "mixed_instances"
	CodeMixedExternalIDKinds   = "mixed_external_id_kinds"
)

func errorf(field, code, fix, format string, args ...any) Problem {
	return Problem{Field: field, Code: code, Severity: SeverityError, Message: fmt.Sprintf(format, args...), Fix: fix}
}

func warnf(field, code, fix, format string, args ...any) Problem {
	return Problem{Field: field, Code: code, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...), Fix: fix}
}

// HasErrors reports whether any problem has error severity.
func HasErrors(problems []Problem) bool {
	for _, p := range problems {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}
