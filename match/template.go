package match

import (
	"strings"
	"unicode"

	"routemap"
	"routemap/sfid"
)

// GovernmentUsernameTemplate is the SSO username format of government
// orgs: $User.Id@$Organization.Id, without the alias.
const GovernmentUsernameTemplate = "{UserId15}@{OrgId15}"

// placeholder is one value a template can insert.
type placeholder uint8

const (
	literal placeholder = iota
	phAlias
	phUserID15
	phUserID18
	phOrgID15
	phOrgID18
)

var placeholderNames = map[string]placeholder{
	"Alias":    phAlias,
	"UserId15": phUserID15,
	"UserId18": phUserID18,
	"OrgId15":  phOrgID15,
	"OrgId18":  phOrgID18,
}

func (p placeholder) name() string {
	for n, q := range placeholderNames {
		if q == p {
			return n
		}
	}
	return ""
}

type segment struct {
	ph  placeholder
	lit string // when ph is literal
}

// Template is a parsed username template: literal text and the
// placeholders {Alias}, {UserId15}, {UserId18}, {OrgId15} and {OrgId18}.
// The zero Template is DefaultUsernameTemplate.
type Template struct {
	src  string
	segs []segment
}

// ParseTemplate reads a username template in one of three forms:
//
//   - routemap's, with placeholders in braces: "{Alias}@{UserId15}@{OrgId15}";
//   - the connected app's formula, as Salesforce Setup shows it:
//     "$User.Alias & '@' & $User.Id & '@' & $Organization.Id", where
//     $User.Id and $Organization.Id are the 15-character ids and
//     CASESAFEID(…) the 18-character ones;
//   - a name: "default" (or "") for routemap.DefaultUsernameTemplate,
//     "government" for GovernmentUsernameTemplate.
//
// A template must name the user (with {Alias}, {UserId15} or {UserId18}),
// or every member would expect the same agent. Errors: EINVALID, saying
// what is wrong.
func ParseTemplate(s string) (Template, error) {
	src := strings.TrimSpace(s)
	switch strings.ToLower(src) {
	case "", "default":
		src = routemap.DefaultUsernameTemplate
	case "government", "gov":
		src = GovernmentUsernameTemplate
	}
	var segs []segment
	var err error
	if strings.Contains(src, "$") {
		segs, err = parseFormula(src)
	} else {
		segs, err = parseBraces(src)
	}
	if err != nil {
		return Template{}, err
	}
	if segs, err = tidy(segs, s); err != nil {
		return Template{}, err
	}
	user := false
	for _, sg := range segs {
		if sg.ph == phAlias || sg.ph == phUserID15 || sg.ph == phUserID18 {
			user = true
		}
	}
	if !user {
		return Template{}, routemap.Errorf(routemap.EINVALID,
			"username template %q names no user: it needs {Alias}, {UserId15} or {UserId18}, or every rep would expect the same agent", s)
	}
	return Template{src: canonical(segs), segs: segs}, nil
}

// tidy makes parsed segments what their braces form, String, says: the
// rendering starts and ends without whitespace (the braces form is read
// trimmed), empty literals go, and literal text holding '{', '}' or '$'
// (which the braces form cannot spell, and no username holds) is refused.
func tidy(segs []segment, src string) ([]segment, error) {
	out := segs[:0]
	for i, sg := range segs {
		if sg.ph != literal {
			out = append(out, sg)
			continue
		}
		if strings.ContainsAny(sg.lit, "{}$") {
			return nil, routemap.Errorf(routemap.EINVALID, "username template %q has the text %q: '{', '}' and '$' cannot be in a username", src, sg.lit)
		}
		if i == 0 {
			sg.lit = strings.TrimLeftFunc(sg.lit, unicode.IsSpace)
		}
		if i == len(segs)-1 {
			sg.lit = strings.TrimRightFunc(sg.lit, unicode.IsSpace)
		}
		if sg.lit != "" {
			out = append(out, sg)
		}
	}
	return out, nil
}

func parseBraces(src string) ([]segment, error) {
	var segs []segment
	rest := src
	for rest != "" {
		i := strings.IndexAny(rest, "{}")
		if i < 0 {
			segs = append(segs, segment{lit: rest})
			break
		}
		if rest[i] == '}' {
			return nil, routemap.Errorf(routemap.EINVALID, "username template %q has a '}' with no '{' before it", src)
		}
		if i > 0 {
			segs = append(segs, segment{lit: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, routemap.Errorf(routemap.EINVALID, "username template %q has a '{' that is never closed", src)
		}
		name := rest[i+1 : i+j]
		ph, ok := placeholderNames[name]
		if !ok {
			return nil, routemap.Errorf(routemap.EINVALID,
				"username template %q has the unknown placeholder {%s}; use {Alias}, {UserId15}, {UserId18}, {OrgId15} or {OrgId18}", src, name)
		}
		segs = append(segs, segment{ph: ph})
		rest = rest[i+j+1:]
	}
	return segs, nil
}

// parseFormula reads the connected app's custom attribute formula: terms
// joined by '&', each a quoted literal or a field.
func parseFormula(src string) ([]segment, error) {
	var segs []segment
	for _, term := range strings.Split(src, "&") {
		t := strings.TrimSpace(term)
		if len(t) >= 2 && (t[0] == '\'' && t[len(t)-1] == '\'' || t[0] == '"' && t[len(t)-1] == '"') {
			segs = append(segs, segment{lit: t[1 : len(t)-1]})
			continue
		}
		var ph placeholder
		switch strings.ToLower(strings.ReplaceAll(t, " ", "")) {
		case "$user.alias":
			ph = phAlias
		case "$user.id":
			ph = phUserID15
		case "casesafeid($user.id)":
			ph = phUserID18
		case "$organization.id":
			ph = phOrgID15
		case "casesafeid($organization.id)":
			ph = phOrgID18
		default:
			return nil, routemap.Errorf(routemap.EINVALID,
				"username formula %q has the term %q; routemap knows $User.Alias, $User.Id, $Organization.Id, CASESAFEID(…) of the ids and quoted text", src, t)
		}
		segs = append(segs, segment{ph: ph})
	}
	return segs, nil
}

// canonical writes segments in the braces form.
func canonical(segs []segment) string {
	var b strings.Builder
	for _, sg := range segs {
		if sg.ph == literal {
			b.WriteString(sg.lit)
		} else {
			b.WriteString("{" + sg.ph.name() + "}")
		}
	}
	return b.String()
}

// String returns the template in the braces form.
func (t Template) String() string {
	if t.segs == nil {
		return routemap.DefaultUsernameTemplate
	}
	return t.src
}

// orDefault returns t, or the default template for the zero Template.
func (t Template) orDefault() Template {
	if t.segs == nil {
		d, _ := ParseTemplate("")
		return d
	}
	return t
}

// UsesAlias reports whether the template inserts the user's alias.
func (t Template) UsesAlias() bool { return t.uses(phAlias) }

// UsesOrg reports whether the template inserts the org id, which must then
// be known.
func (t Template) UsesOrg() bool { return t.uses(phOrgID15) || t.uses(phOrgID18) }

func (t Template) uses(p placeholder) bool {
	for _, sg := range t.orDefault().segs {
		if sg.ph == p {
			return true
		}
	}
	return false
}

// Render returns the username the template gives a user of org.
func (t Template) Render(u *routemap.User, org sfid.ID) string {
	return string(t.orDefault().appendTo(nil, u, org))
}

// appendTo renders the template for u onto b.
func (t Template) appendTo(b []byte, u *routemap.User, org sfid.ID) []byte {
	for _, sg := range t.segs {
		switch sg.ph {
		case literal:
			b = append(b, sg.lit...)
		case phAlias:
			b = append(b, u.Alias...)
		case phUserID15:
			b = append(b, u.ID.Short()...)
		case phUserID18:
			b = append(b, u.ID...)
		case phOrgID15:
			b = append(b, org.Short()...)
		case phOrgID18:
			b = append(b, org...)
		}
	}
	return b
}

// with returns a copy of t with one placeholder swapped for another.
func (t Template) with(from, to placeholder) Template {
	segs := make([]segment, len(t.segs))
	for i, sg := range t.segs {
		if sg.ph == from {
			sg.ph = to
		}
		segs[i] = sg
	}
	return Template{src: canonical(segs), segs: segs}
}

// BadAliasChar returns the first character of alias that Amazon Connect
// usernames do not allow (anything outside a–z A–Z 0–9 _ - .: spaces,
// accents, apostrophes, @), and whether there is one. Provisioning the
// Amazon Connect user of a rep with such an alias fails.
func BadAliasChar(alias string) (rune, bool) {
	for _, r := range alias {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return r, true
		}
	}
	return 0, false
}
