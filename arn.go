package routemap

import (
	"fmt"
	"strings"
)

// ConnectARN is a parsed Amazon Connect ARN:
// arn:<partition>:connect:<region>:<account>:instance/<instance id>[/<resource>/<id>].
type ConnectARN struct {
	Partition  string // "aws", "aws-us-gov", ...
	Region     string // "us-west-2"
	Account    string // 12 digits
	InstanceID string
	Resource   string // "" for the instance itself; "agent", "queue", "routing-profile", "transfer-destination", ...
	ResourceID string
}

// Amazon Connect resource types that routing maps refer to.
const (
	ResourceAgent               = "agent"
	ResourceQueue               = "queue"
	ResourceRoutingProfile      = "routing-profile"
	ResourceTransferDestination = "transfer-destination"
)

// ParseConnectARN parses an Amazon Connect ARN. The error names the part
// that is wrong. It does not allocate on success.
func ParseConnectARN(s string) (ConnectARN, error) {
	var a ConnectARN
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return a, fmt.Errorf("%q is not an ARN: an ARN starts with \"arn:\"", s)
	}
	var service, resource string
	parts := 1
	a.Partition, rest, ok = strings.Cut(rest, ":")
	if ok {
		parts++
		service, rest, ok = strings.Cut(rest, ":")
	}
	if ok {
		parts++
		a.Region, rest, ok = strings.Cut(rest, ":")
	}
	if ok {
		parts++
		a.Account, resource, ok = strings.Cut(rest, ":")
	}
	if !ok {
		return a, fmt.Errorf("ARN %q has %d of its 6 colon-separated parts (arn:partition:service:region:account:resource)", s, parts+1)
	}
	if !isPartition(a.Partition) {
		return a, fmt.Errorf("ARN %q has partition %q; Amazon Connect runs in \"aws\" or \"aws-us-gov\"", s, a.Partition)
	}
	if service != "connect" {
		return a, fmt.Errorf("ARN %q is for service %q, not Amazon Connect (\"connect\")", s, service)
	}
	if !isRegion(a.Region) {
		return a, fmt.Errorf("ARN %q has region %q; a region looks like \"us-west-2\"", s, a.Region)
	}
	if !isAccount(a.Account) {
		return a, fmt.Errorf("ARN %q has account %q; an AWS account id is 12 digits", s, a.Account)
	}
	res, ok := strings.CutPrefix(resource, "instance/")
	if !ok {
		return a, fmt.Errorf("ARN %q does not name an Amazon Connect instance (expected \"instance/<id>\" after the account)", s)
	}
	var more bool
	a.InstanceID, res, more = strings.Cut(res, "/")
	if !isResourceID(a.InstanceID) {
		return a, fmt.Errorf("ARN %q has instance id %q; an instance id is a UUID", s, a.InstanceID)
	}
	if more {
		var typed bool
		a.Resource, a.ResourceID, typed = strings.Cut(res, "/")
		if !typed || strings.IndexByte(a.ResourceID, '/') >= 0 {
			return a, fmt.Errorf("ARN %q has %d path segments after \"instance/\"; expected <instance id> or <instance id>/<resource type>/<id>",
				s, strings.Count(resource, "/"))
		}
		if !isResourceType(a.Resource) {
			return a, fmt.Errorf("ARN %q has resource type %q; expected agent, queue, routing-profile or transfer-destination", s, a.Resource)
		}
		if !isResourceID(a.ResourceID) {
			return a, fmt.Errorf("ARN %q has %s id %q; ids are letters, digits and dashes", s, a.Resource, a.ResourceID)
		}
	}
	return a, nil
}

// String formats the ARN.
func (a ConnectARN) String() string {
	s := "arn:" + a.Partition + ":connect:" + a.Region + ":" + a.Account + ":instance/" + a.InstanceID
	if a.Resource != "" {
		s += "/" + a.Resource + "/" + a.ResourceID
	}
	return s
}

// Instance returns the ARN of the instance a resource belongs to.
func (a ConnectARN) Instance() ConnectARN {
	a.Resource, a.ResourceID = "", ""
	return a
}

// SameInstance reports whether a and b belong to the same Connect instance.
func (a ConnectARN) SameInstance(b ConnectARN) bool {
	return a.Partition == b.Partition && a.Region == b.Region && a.Account == b.Account && a.InstanceID == b.InstanceID
}

// IsUUID reports whether s is a UUID in its 36-character text form, the form
// of Amazon Connect instance, user and quick connect ids.
func IsUUID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	return allHex(s[:8]) && allHex(s[9:13]) && allHex(s[14:18]) && allHex(s[19:23]) && allHex(s[24:])
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&classHex == 0 {
			return false
		}
	}
	return true
}

func isPartition(s string) bool {
	if !strings.HasPrefix(s, "aws") {
		return false
	}
	for i := 3; i < len(s); i++ {
		if c := s[i]; !(c == '-' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isRegion(s string) bool {
	if len(s) < 4 || len(s) > 32 || s[0] == '-' || s[len(s)-1] == '-' || !strings.Contains(s, "-") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '-' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < 12; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isResourceType(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '-' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

func isResourceID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&classIDChar == 0 {
			return false
		}
	}
	return true
}

// Character classes for the byte-at-a-time checks on hot paths.
const (
	classIDChar = 1 << iota // letter, digit or '-'
	classHex                // hexadecimal digit
)

// charClass is a read-only lookup table, built once by a pure expression.
var charClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= '0' && c <= '9':
			t[c] = classIDChar | classHex
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			t[c] = classIDChar | classHex
		case c >= 'g' && c <= 'z', c >= 'G' && c <= 'Z', c == '-':
			t[c] = classIDChar
		}
	}
	return t
}()
