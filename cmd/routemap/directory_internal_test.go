package main

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"routemap"
	"routemap/partner"
)

func TestSourceErr(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		code int
	}{
		"ExitAuthRefused":     {fmt.Errorf("read agents: %w", &routemap.Error{Code: routemap.EUNAUTHORIZED, Message: "refused"}), exitAuthConn},
		"ExitAuthTimeout":     {&routemap.Error{Code: routemap.EINTERNAL, Reason: partner.ReasonTimeout, Message: "slow"}, exitAuthConn},
		"ExitAuthUnreachable": {&routemap.Error{Code: routemap.EINTERNAL, Reason: partner.ReasonUnreachable, Message: "gone"}, exitAuthConn},
		"ExitAuthNetwork":     {fmt.Errorf("amazon connect ListUsers: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), exitAuthConn},
		"ExitFailureJunk":     {&routemap.Error{Code: routemap.EINVALID, Reason: partner.ReasonUnreadable, Message: "junk"}, exitFailure},
		"ExitFailureThrottle": {&routemap.Error{Code: routemap.ELIMIT, Message: "throttled"}, exitFailure},
	} {
		t.Run(name, func(t *testing.T) {
			if got := exitCode(sourceErr(tc.err), &discard{}); got != tc.code {
				t.Errorf("exit %d, want %d", got, tc.code)
			}
		})
	}
	if sourceErr(nil) != nil {
		t.Error("sourceErr(nil) is not nil")
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
