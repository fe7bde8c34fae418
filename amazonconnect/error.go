package amazonconnect

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"routemap"
)

// isUnauthorized reports codes of refused credentials. Amazon Connect's
// API front end answers them before the operation runs, so the SDK
// reports them as generic API errors carrying the code.
func isUnauthorized(code string) bool {
	switch code {
	case "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
		"MissingAuthenticationTokenException", "SignatureDoesNotMatch", "InvalidClientTokenId",
		"ExpiredTokenException", "ExpiredToken", "RequestExpired", "AuthFailure":
		return true
	}
	return false
}

// isAccessDenied reports codes of credentials that are valid but lack a
// permission.
func isAccessDenied(code string) bool {
	return code == "AccessDeniedException" || code == "AccessDenied"
}

// apiError maps an SDK error from operation op to a *routemap.Error where
// the caller can act on it, and wraps it otherwise.
func (d *Directory) apiError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return fmt.Errorf("amazon connect %s on %s: %w", op, d.instanceARN, err)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch {
		case isUnauthorized(code):
			return &routemap.Error{Code: routemap.EUNAUTHORIZED, Reason: code, Message: fmt.Sprintf(
				"Amazon Connect refused the AWS credentials for instance %s (%s: %s); check the access key and secret key (or profile), "+
					"that they belong to account %s, the region (%s) and the endpoint (%s)",
				d.instanceARN, code, ae.ErrorMessage(), d.instance.Account, d.instance.Region, d.endpointText())}
		case isAccessDenied(code):
			return &routemap.Error{Code: routemap.EUNAUTHORIZED, Reason: code, Message: fmt.Sprintf(
				"Amazon Connect denied %s on instance %s (%s: %s); the credentials need the IAM permission connect:%s on the instance; "+
					"check which credentials are in use, the region (%s) and the endpoint (%s)",
				op, d.instanceARN, code, ae.ErrorMessage(), op, d.instance.Region, d.endpointText())}
		case isThrottle(code):
			return &routemap.Error{Code: routemap.ELIMIT, Reason: code, Message: fmt.Sprintf(
				"Amazon Connect kept throttling %s on instance %s after %s; lower the request rate (now %s) or ask AWS to raise the API quota",
				op, d.instanceARN, attempts(err), d.rateText())}
		case code == "ResourceNotFoundException" && (op == "ListUsers" || op == "ListQuickConnects"):
			return &routemap.Error{Code: routemap.ENOTFOUND, Reason: code, Message: fmt.Sprintf(
				"Amazon Connect has no instance %s (%s); check the instance ARN, that the credentials belong to account %s, "+
					"the region (%s) and the endpoint (%s)",
				d.instanceARN, ae.ErrorMessage(), d.instance.Account, d.instance.Region, d.endpointText())}
		}
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return &routemap.Error{Code: routemap.EINVALID, Reason: "unreadable_answer", Message: fmt.Sprintf(
			"the answer to %s from %s cannot be read as Amazon Connect's (%v); check the endpoint", op, d.endpointText(), de.Err)}
	}
	return fmt.Errorf("amazon connect %s on %s: %w", op, d.instanceARN, err)
}

// isThrottle reports the codes the SDK's retryer treats as throttling.
func isThrottle(code string) bool {
	_, ok := retry.DefaultThrottleErrorCodes[code]
	return ok
}

// attempts says how many attempts the SDK made.
func attempts(err error) string {
	var mae *retry.MaxAttemptsError
	if errors.As(err, &mae) {
		return strconv.Itoa(mae.Attempt) + " attempts"
	}
	return "retrying"
}

func (d *Directory) endpointText() string {
	if d.endpoint != "" {
		return d.endpoint
	}
	return "the default, connect." + d.instance.Region + ".amazonaws.com"
}

func (d *Directory) rateText() string {
	if math.IsInf(d.rate, 1) {
		return "unlimited"
	}
	return strconv.FormatFloat(d.rate, 'g', -1, 64) + " requests a second"
}
