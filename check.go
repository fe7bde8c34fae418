package routemap

import (
	"errors"
	"strings"
	"unicode/utf8"

	"routemap/sfid"
)

// Draft is a routing map as a person or a file wrote it: every field as
// text, before ids are parsed or whitespace trimmed. Check turns a Draft
// into a RoutingMap.
type Draft struct {
	ID                string
	ExternalID        string
	ReferenceRecordID string
	CallCenterID      string
	DeveloperName     string
	QuickConnect      string
	MasterLabel       string
	Language          string
}

// Rules are what Check knows beyond the record itself.
type Rules struct {
	// Provider selects the ExternalId and QuickConnect rules. ProviderAuto
	// infers them from each record.
	Provider Provider
	// CallCenterID, when set, is the only contact center records may name;
	// a record with no CallCenterId gets it as a mechanical fix.
	CallCenterID sfid.ID
	// Instance, when its InstanceID is set, is the Amazon Connect instance
	// of the contact center: agent and quick connect ARNs must belong to it,
	// and a bare agent id can be turned into an ARN.
	Instance ConnectARN
}

// Checked is the outcome of Check.
type Checked struct {
	// Map is the record with parsed ids and trimmed text. It is complete
	// only when Problems holds no errors.
	Map RoutingMap
	// Fixed is the draft with every mechanical fix applied and every other
	// field exactly as it was.
	Fixed Draft
	// Problems lists every broken rule, errors and warnings, in field order.
	Problems []Problem
}

// OK reports whether the record has no error-severity problems.
func (c *Checked) OK() bool { return !HasErrors(c.Problems) }

// Check applies every single-record rule of the help article and the object
// reference to d. It is pure: rules that need other records (uniqueness,
// membership) live in CrossCheck and in the stores.
func (d Draft) Check(r Rules) Checked {
	c := checker{rules: r, out: Checked{Fixed: d}}
	c.run()
	return c.out
}

type checker struct {
	rules Rules
	out   Checked
}

func (c *checker) add(p Problem) { c.out.Problems = append(c.out.Problems, p) }

func (c *checker) run() {
	f := &c.out.Fixed
	m := &c.out.Map

	if f.ID != "" {
		if id, ok := c.id(FieldID, &f.ID, false); ok {
			m.ID = id
		}
	}

	// ReferenceRecordId: a User or a Group (queue).
	user, userOK := c.id(FieldReferenceRecordID, &f.ReferenceRecordID, true, sfid.PrefixUser, sfid.PrefixGroup)
	if userOK {
		m.ReferenceRecordID = user
	}

	// CallCenterId: a CallCenter.
	if strings.TrimSpace(f.CallCenterID) == "" && !c.rules.CallCenterID.IsZero() {
		c.add(Problem{Field: FieldCallCenterID, Code: CodeRequired, Severity: SeverityError,
			Message: "CallCenterId is empty", Fix: "set it to " + string(c.rules.CallCenterID), Mechanical: true})
		f.CallCenterID = string(c.rules.CallCenterID)
	}
	center, centerOK := c.id(FieldCallCenterID, &f.CallCenterID, true, sfid.PrefixCallCenter)
	if centerOK {
		if !c.rules.CallCenterID.IsZero() && center != c.rules.CallCenterID {
			c.add(errorf(FieldCallCenterID, CodeCallCenterMismatch, "",
				"CallCenterId %s is not the contact center being checked (%s)", center, c.rules.CallCenterID))
			centerOK = false
		} else {
			m.CallCenterID = center
		}
	}
	isUser := userOK && user.Prefix() == sfid.PrefixUser
	isGroup := userOK && user.Prefix() == sfid.PrefixGroup

	c.developerName(user, center, isUser, isGroup, centerOK)
	c.masterLabel(user, isUser)
	arn, hasARN := c.externalID(isGroup)
	c.quickConnect(arn, hasARN)
	c.language()
}

// text trims and checks a free-text field, returning the trimmed value and
// whether it is usable. An empty value of a required field is an error.
func (c *checker) text(field string, v *string, max int, required bool) (string, bool) {
	return c.textOf(field, v, max, required, true)
}

// textOf is text with the control-character scan optional, for fields
// whose own syntax (ids, ARNs, UUIDs, API names) already excludes them.
func (c *checker) textOf(field string, v *string, max int, required, scan bool) (string, bool) {
	s := *v
	if needsTrim(s) {
		t := strings.TrimSpace(s)
		c.add(Problem{Field: field, Code: CodeWhitespace, Severity: SeverityWarning,
			Message: field + " has spaces or line breaks around its value", Fix: "trim it to " + quote(t), Mechanical: true})
		*v, s = t, t
	}
	if s == "" {
		if required {
			c.add(errorf(field, CodeRequired, "", "%s is empty; it is required", field))
		}
		return "", false
	}
	if scan {
		if i := controlChar(s); i >= 0 {
			c.add(errorf(field, CodeControlCharacter, "remove the invisible character; it often comes from copying out of a web page or spreadsheet",
				"%s has the control character %U at position %d", field, rune(s[i]), i+1))
			return s, false
		}
	}
	if len(s) > max {
		if n := utf8.RuneCountInString(s); n > max {
			c.add(errorf(field, CodeTooLong, "", "%s is %d characters long; the limit is %d", field, n, max))
			return s, false
		}
	}
	return s, true
}

// id parses an id field, repairing what is mechanical. When allowed is not
// empty the id must have one of those key prefixes.
func (c *checker) id(field string, v *string, required bool, allowed ...sfid.KeyPrefix) (sfid.ID, bool) {
	// The generous limit lets sfid.Parse say why a long value is no id,
	// and Parse rejects control characters itself.
	s, ok := c.textOf(field, v, MaxExternalID, required, false)
	if !ok {
		return "", false
	}
	id, err := sfid.Parse(s)
	if err != nil {
		return c.badID(field, v, s, err)
	}
	if len(allowed) > 0 && !hasPrefix(allowed, id) {
		want := "a CallCenter (04v) id"
		if len(allowed) > 1 {
			want = "a User (005) or a queue/Group (00G) id"
		}
		c.add(errorf(field, CodeIDWrongObject, wrongObjectFix(field, id),
			"%s %s is %s; it must be %s", field, s, describePrefix(id), want))
		return "", false
	}
	switch {
	case len(s) == 15:
		c.add(Problem{Field: field, Code: CodeID15, Severity: SeverityWarning,
			Message: field + " " + s + " is a 15-character id; the article asks for the 18-character form",
			Fix:     "use " + string(id), Mechanical: true})
		*v = string(id)
	case s != string(id):
		c.add(Problem{Field: field, Code: CodeIDCase, Severity: SeverityWarning,
			Message: field + " " + s + " has its checksum suffix in lower case",
			Fix:     "use " + string(id), Mechanical: true})
		*v = string(id)
	}
	return id, true
}

func hasPrefix(allowed []sfid.KeyPrefix, id sfid.ID) bool {
	for _, p := range allowed {
		if string(id[:3]) == string(p) {
			return true
		}
	}
	return false
}

// badID reports why s is no id; an id whose letter case a spreadsheet
// changed is repaired.
func (c *checker) badID(field string, v *string, s string, err error) (sfid.ID, bool) {
	var e *sfid.Error
	switch {
	case errors.As(err, &e) && e.Kind == sfid.KindCase:
		c.add(Problem{Field: field, Code: CodeIDCase, Severity: SeverityError, Message: field + ": " + err.Error(),
			Fix: "use " + string(e.Repaired), Mechanical: true})
		*v = string(e.Repaired)
		return e.Repaired, true
	case errors.As(err, &e) && e.Kind == sfid.KindChecksum:
		c.add(errorf(field, CodeIDChecksum, "copy the id again from Salesforce (Setup, or the record's URL)", "%s: %v", field, err))
	default:
		c.add(errorf(field, CodeIDMalformed, idHint(field, s), "%s: %v", field, err))
	}
	return "", false
}

func (c *checker) developerName(user, center sfid.ID, isUser, isGroup, centerOK bool) {
	f := &c.out.Fixed
	conventional := isUser && centerOK
	if conventional && isConventional(f.DeveloperName, user, center) {
		c.out.Map.DeveloperName = f.DeveloperName
		return
	}
	var want string
	if conventional {
		want = DeveloperNameFor(user, center)
	}
	if needsTrim(f.DeveloperName) && strings.TrimSpace(f.DeveloperName) == "" {
		f.DeveloperName = ""
	}
	if f.DeveloperName == "" && want != "" {
		c.add(Problem{Field: FieldDeveloperName, Code: CodeRequired, Severity: SeverityError,
			Message: "DeveloperName is empty; it is required", Fix: "use " + want, Mechanical: true})
		f.DeveloperName = want
		c.out.Map.DeveloperName = want
		return
	}
	s, ok := c.textOf(FieldDeveloperName, &f.DeveloperName, MaxDeveloperName, true, false)
	if !ok {
		return
	}
	if err := CheckDeveloperName(s); err != nil {
		fix := ""
		if want != "" {
			fix = "use " + want
		}
		c.add(errorf(FieldDeveloperName, CodeDeveloperNameSyntax, fix, "%v", err))
		return
	}
	c.out.Map.DeveloperName = s
	switch {
	case want != "":
		if s == want || isConventional15(s, user, center) {
			return
		}
		msg := "DeveloperName " + s + " does not follow the article's form User_<18-character user id>_<contact center id>"
		if other, ok := conventionalUser(s); ok && !user.Equal15(other) {
			msg = "DeveloperName " + s + " names user " + other + ", but the record maps " + string(user)
		} else if ok {
			msg = "DeveloperName " + s + " uses the 15-character user id; the article asks for the 18-character one"
		}
		c.add(Problem{Field: FieldDeveloperName, Code: CodeDeveloperNameConvention, Severity: SeverityWarning,
			Message: msg, Fix: "use " + want, Mechanical: true})
		f.DeveloperName = want
	case isGroup && centerOK:
		if !strings.HasSuffix(s, "_"+string(center)) && !strings.HasSuffix(s, "_"+center.Short()) {
			c.add(warnf(FieldDeveloperName, CodeDeveloperNameConvention, "name it <queue developer name>_"+string(center),
				"DeveloperName %s of a queue map does not follow the form <queue developer name>_<contact center id>", s))
		}
	}
}

// isConventional reports whether s is User_<user>_<center> with the
// 18-character user id and either form of the contact center id.
func isConventional(s string, user, center sfid.ID) bool {
	switch len(s) {
	case 5 + 18 + 1 + 18:
		return s[:5] == "User_" && s[5:23] == string(user) && s[23] == '_' && s[24:] == string(center)
	case 5 + 18 + 1 + 15:
		return isConventional15(s, user, center)
	}
	return false
}

// isConventional15 accepts the form of Salesforce's own metadata sample,
// which pairs the 18-character user id with a 15-character contact center id.
func isConventional15(s string, user, center sfid.ID) bool {
	return len(s) == 5+18+1+15 && s[:5] == "User_" && s[5:23] == string(user) && s[23] == '_' && s[24:] == center.Short()
}

// conventionalUser extracts the user id from a name of the form User_<id>_...
func conventionalUser(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, "User_")
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, "_")
	if !ok || (len(id) != 15 && len(id) != 18) || !strings.HasPrefix(id, string(sfid.PrefixUser)) {
		return "", false
	}
	return id, true
}

func (c *checker) masterLabel(user sfid.ID, isUser bool) {
	f := &c.out.Fixed
	if needsTrim(f.MasterLabel) && strings.TrimSpace(f.MasterLabel) == "" {
		f.MasterLabel = ""
	}
	if f.MasterLabel == "" && isUser {
		c.add(Problem{Field: FieldMasterLabel, Code: CodeRequired, Severity: SeverityError,
			Message: "MasterLabel is empty; it is required", Fix: "use " + string(user), Mechanical: true})
		f.MasterLabel = string(user)
		c.out.Map.MasterLabel = string(user)
		return
	}
	s, ok := c.text(FieldMasterLabel, &f.MasterLabel, MaxMasterLabel, true)
	if !ok {
		return
	}
	c.out.Map.MasterLabel = s
	if isUser && s != string(user) {
		msg := "MasterLabel " + s + " is not the record's 18-character user id"
		if s == user.Short() {
			msg = "MasterLabel " + s + " is the 15-character user id; the article asks for the 18-character one"
		}
		c.add(Problem{Field: FieldMasterLabel, Code: CodeMasterLabelConvention, Severity: SeverityWarning,
			Message: msg, Fix: "use " + string(user), Mechanical: true})
		f.MasterLabel = string(user)
	}
}

// externalID applies the provider's rules and returns the parsed ARN when
// ExternalId is one.
func (c *checker) externalID(isGroup bool) (ConnectARN, bool) {
	f := &c.out.Fixed
	// An ARN's parser rejects control characters; anything else is scanned.
	s, ok := c.textOf(FieldExternalID, &f.ExternalID, MaxExternalID, true, !strings.HasPrefix(strings.TrimSpace(f.ExternalID), "arn:"))
	if !ok {
		return ConnectARN{}, false
	}
	c.out.Map.ExternalID = s
	prov := c.rules.Provider
	if strings.HasPrefix(s, "arn:") {
		if prov == ProviderPartner {
			c.add(errorf(FieldExternalID, CodeExternalIDIsARN, "use the rep's username in the partner's telephony system",
				"ExternalId %s is an ARN, but partner telephony identifies reps by their telephony username", s))
			return ConnectARN{}, false
		}
		a, err := ParseConnectARN(s)
		if err != nil {
			c.add(errorf(FieldExternalID, CodeARNMalformed, "copy the ARN from the agent's page in the Amazon Connect console", "ExternalId: %v", err))
			return ConnectARN{}, false
		}
		kinds := "an agent ARN (…/agent/<id>)"
		if isGroup {
			kinds = "a queue or routing-profile ARN"
		}
		switch {
		case !isGroup && a.Resource != ResourceAgent,
			isGroup && a.Resource != ResourceQueue && a.Resource != ResourceRoutingProfile:
			got := "an instance ARN"
			if a.Resource != "" {
				got = "a " + a.Resource + " ARN"
			}
			c.add(errorf(FieldExternalID, CodeExternalIDARNKind, "", "ExternalId %s is %s; this record needs %s", s, got, kinds))
			return a, false
		}
		if in := c.rules.Instance; in.InstanceID != "" && !a.SameInstance(in) {
			c.add(errorf(FieldExternalID, CodeExternalIDOtherInstance, "",
				"ExternalId %s belongs to Amazon Connect instance %s, not to the contact center's instance %s", s, a.Instance(), in))
			return a, false
		}
		return a, true
	}
	switch prov {
	case ProviderAmazonConnect:
		switch {
		case IsUUID(s):
			p := Problem{Field: FieldExternalID, Code: CodeExternalIDBareAgentID, Severity: SeverityError,
				Message: "ExternalId " + s + " is a bare agent id; Amazon Connect routing maps need the full agent ARN",
				Fix:     "use arn:aws:connect:<region>:<account>:instance/<instance id>/agent/" + s}
			if in := c.rules.Instance; in.InstanceID != "" {
				in.Resource, in.ResourceID = ResourceAgent, strings.ToLower(s)
				p.Fix, p.Mechanical = "use "+in.String(), true
				f.ExternalID = in.String()
				c.out.Map.ExternalID = f.ExternalID
				c.add(p)
				return in, true
			}
			c.add(p)
		case strings.Contains(s, "@"):
			c.add(errorf(FieldExternalID, CodeExternalIDNotARN, "use the agent's ARN; `routemap build` looks it up from the username",
				"ExternalId %s looks like a telephony username; Amazon Connect routing maps need the agent ARN", s))
		default:
			c.add(errorf(FieldExternalID, CodeExternalIDNotARN, "use the agent's ARN: arn:aws:connect:<region>:<account>:instance/<instance id>/agent/<agent id>",
				"ExternalId %s is not an agent ARN, which Amazon Connect routing maps need", s))
		}
		return ConnectARN{}, false
	case ProviderAuto:
		if IsUUID(s) {
			c.add(warnf(FieldExternalID, CodeExternalIDBareAgentID, "if the contact center uses Amazon Connect, use the agent ARN (and --provider amazon-connect to make this an error)",
				"ExternalId %s looks like a bare Amazon Connect agent id", s))
		}
	}
	return ConnectARN{}, false
}

func (c *checker) quickConnect(agent ConnectARN, hasARN bool) {
	f := &c.out.Fixed
	s, ok := c.textOf(FieldQuickConnect, &f.QuickConnect, MaxQuickConnect, false, !IsUUID(strings.TrimSpace(f.QuickConnect)))
	if !ok {
		return
	}
	c.out.Map.QuickConnect = s
	if c.rules.Provider == ProviderPartner {
		c.add(errorf(FieldQuickConnect, CodeQuickConnectNotSupported, "leave QuickConnect empty",
			"QuickConnect is for Amazon Connect only; partner telephony has no quick connects"))
		return
	}
	if IsUUID(s) {
		return
	}
	if !strings.HasPrefix(s, "arn:") {
		c.add(errorf(FieldQuickConnect, CodeQuickConnectMalformed, "copy the id from the quick connect's URL in the Amazon Connect console, e.g. 6c5d4e3f-2a1b-4c0d-9e8f-1a2b3c4d5e6f",
			"QuickConnect %s is neither a quick connect id (a UUID) nor a quick connect ARN", s))
		return
	}
	a, err := ParseConnectARN(s)
	if err != nil {
		c.add(errorf(FieldQuickConnect, CodeQuickConnectMalformed, "", "QuickConnect: %v", err))
		return
	}
	if a.Resource != ResourceTransferDestination {
		what := "an instance ARN"
		if a.Resource != "" {
			what = "a " + a.Resource + " ARN"
		}
		c.add(errorf(FieldQuickConnect, CodeQuickConnectMalformed, "use the id of the agent's quick connect, not the agent itself",
			"QuickConnect %s is %s; it must be a quick connect id or a transfer-destination ARN", s, what))
		return
	}
	switch {
	case hasARN && !a.SameInstance(agent):
		c.add(errorf(FieldQuickConnect, CodeQuickConnectOtherInstance, "",
			"QuickConnect %s belongs to instance %s, but ExternalId's agent belongs to %s", s, a.Instance(), agent.Instance()))
	case c.rules.Instance.InstanceID != "" && !a.SameInstance(c.rules.Instance):
		c.add(errorf(FieldQuickConnect, CodeQuickConnectOtherInstance, "",
			"QuickConnect %s belongs to instance %s, not to the contact center's instance %s", s, a.Instance(), c.rules.Instance))
	}
}

func (c *checker) language() {
	f := &c.out.Fixed
	s, ok := c.text(FieldLanguage, &f.Language, MaxLanguage, false)
	if !ok {
		return
	}
	if languages[s] {
		c.out.Map.Language = s
		return
	}
	if l := languageFor(s); l != "" {
		c.add(Problem{Field: FieldLanguage, Code: CodeLanguageInvalid, Severity: SeverityError,
			Message: "Language " + s + " is not a picklist value", Fix: "use " + l, Mechanical: true})
		f.Language = l
		c.out.Map.Language = l
		return
	}
	if localeShaped(s) {
		c.add(warnf(FieldLanguage, CodeLanguageUnknown, "", "Language %s is not a language routemap knows; check that your org has it", s))
		c.out.Map.Language = s
		return
	}
	c.add(errorf(FieldLanguage, CodeLanguageInvalid, "use a Salesforce language code such as en_US, or leave it empty for the org default",
		"Language %s is not a Salesforce language code", s))
}

func describePrefix(id sfid.ID) string {
	if o := id.Prefix().Object(); o != "" {
		return "a " + o + " id (prefix " + string(id.Prefix()) + ")"
	}
	return "an id with prefix " + string(id.Prefix()) + ", which is not a User, Group or CallCenter"
}

func wrongObjectFix(field string, id sfid.ID) string {
	switch {
	case field == FieldReferenceRecordID && id.Prefix() == sfid.PrefixCallCenter:
		return "this is a contact center id; ReferenceRecordId and CallCenterId look swapped"
	case field == FieldCallCenterID && id.Prefix() == sfid.PrefixUser:
		return "this is a user id; ReferenceRecordId and CallCenterId look swapped"
	case field == FieldCallCenterID:
		return "find the contact center id in Setup > Contact Centers; it starts with 04v"
	}
	return "use the rep's User id (it starts with 005)"
}

// idHint guesses what a malformed id value really is.
func idHint(field, s string) string {
	switch {
	case strings.HasPrefix(s, "arn:"):
		return "this is an Amazon Connect ARN; it belongs in ExternalId"
	case strings.Contains(s, "@") && field == FieldReferenceRecordID:
		return "this looks like a username; use the user's 18-character id (`routemap build` finds it)"
	case IsUUID(s):
		return "this is an Amazon Connect id; " + field + " takes a Salesforce id"
	}
	return ""
}

// needsTrim reports whether s has leading or trailing white space, cheaply
// for the common case of plain ASCII ends.
func needsTrim(s string) bool {
	if s == "" {
		return false
	}
	first, last := s[0], s[len(s)-1]
	if first > ' ' && first < utf8.RuneSelf && last > ' ' && last < utf8.RuneSelf {
		return false
	}
	return strings.TrimSpace(s) != s
}

// controlChar returns the offset of the first ASCII control character, or
// -1. It tests eight bytes at a time, since it runs on every field.
func controlChar(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A byte below 0x20 or equal to 0x7f sets its high bit in one of
		// these; the exact position is found byte by byte below.
		const ones, highs = 0x0101010101010101, 0x8080808080808080
		below := (x - ones*0x20) &^ x & highs
		del := x ^ ones*0x7f
		isDel := (del - ones) &^ del & highs
		if below|isDel != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f {
			return i
		}
	}
	return -1
}

func quote(s string) string { return `"` + s + `"` }
