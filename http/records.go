package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"routemap"
	"routemap/sfid"
)

// record is an sObject as the API returns it: "attributes" first, then the
// fields in the order asked for. In a query record a value may itself be a
// *record: a relationship's parent, nested under the relationship name.
type record struct {
	Type   string
	URL    string
	Fields []string
	Values []any
}

// MarshalJSON writes the record with its keys in order.
func (rec *record) MarshalJSON() ([]byte, error) {
	return rec.appendJSON(make([]byte, 0, 512))
}

// appendJSON appends the record's JSON to b, writing common values
// directly rather than through reflection.
func (rec *record) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"attributes":{"type":`...)
	b = appendJSONString(b, rec.Type)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, rec.URL)
	b = append(b, '}')
	for i, f := range rec.Fields {
		b = append(b, ',')
		b = appendJSONString(b, f)
		b = append(b, ':')
		switch v := jsonValue(rec.Values[i]).(type) {
		case nil:
			b = append(b, "null"...)
		case string:
			b = appendJSONString(b, v)
		case bool:
			b = strconv.AppendBool(b, v)
		default:
			enc, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			b = append(b, enc...)
		}
	}
	return append(b, '}'), nil
}

// appendJSONString appends s as a JSON string, escaping what JSON requires
// (and leaving <, > and & alone, as writeJSON does).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonValue renders a field value: datetimes in Salesforce's format, empty
// ids and strings of nillable fields as null.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return formatTime(x)
	case sfid.ID:
		if x == "" {
			return nil
		}
		return string(x)
	}
	return v
}

// accessor reads one field of a stored record.
type accessor func(rec any) any

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// accessors returns the field readers for each object served.
func accessors() map[string]map[string]accessor {
	rm := func(f func(*routemap.RoutingMap) any) accessor {
		return func(rec any) any { return f(rec.(*routemap.RoutingMap)) }
	}
	us := func(f func(*routemap.User) any) accessor {
		return func(rec any) any { return f(rec.(*routemap.User)) }
	}
	cc := func(f func(*routemap.CallCenter) any) accessor {
		return func(rec any) any { return f(rec.(*routemap.CallCenter)) }
	}
	gr := func(f func(*routemap.Group) any) accessor {
		return func(rec any) any { return f(rec.(*routemap.Group)) }
	}
	og := func(f func(*routemap.Org) any) accessor {
		return func(rec any) any { return f(rec.(*routemap.Org)) }
	}
	return map[string]map[string]accessor{
		routemap.ObjectRoutingMap: {
			"Id":                            rm(func(m *routemap.RoutingMap) any { return m.ID }),
			"IsDeleted":                     rm(func(m *routemap.RoutingMap) any { return m.IsDeleted }),
			routemap.FieldDeveloperName:     rm(func(m *routemap.RoutingMap) any { return m.DeveloperName }),
			routemap.FieldLanguage:          rm(func(m *routemap.RoutingMap) any { return nullable(m.Language) }),
			routemap.FieldMasterLabel:       rm(func(m *routemap.RoutingMap) any { return m.MasterLabel }),
			routemap.FieldCallCenterID:      rm(func(m *routemap.RoutingMap) any { return m.CallCenterID }),
			routemap.FieldExternalID:        rm(func(m *routemap.RoutingMap) any { return m.ExternalID }),
			routemap.FieldReferenceRecordID: rm(func(m *routemap.RoutingMap) any { return m.ReferenceRecordID }),
			routemap.FieldQuickConnect:      rm(func(m *routemap.RoutingMap) any { return nullable(m.QuickConnect) }),
			"CreatedDate":                   rm(func(m *routemap.RoutingMap) any { return m.CreatedDate }),
			"CreatedById":                   rm(func(m *routemap.RoutingMap) any { return m.CreatedByID }),
			"LastModifiedDate":              rm(func(m *routemap.RoutingMap) any { return m.LastModifiedDate }),
			"LastModifiedById":              rm(func(m *routemap.RoutingMap) any { return m.LastModifiedByID }),
			"SystemModstamp":                rm(func(m *routemap.RoutingMap) any { return m.LastModifiedDate }),
		},
		routemap.ObjectUser: {
			"Id":               us(func(u *routemap.User) any { return u.ID }),
			"Username":         us(func(u *routemap.User) any { return u.Username }),
			"Alias":            us(func(u *routemap.User) any { return u.Alias }),
			"Email":            us(func(u *routemap.User) any { return u.Email }),
			"FirstName":        us(func(u *routemap.User) any { return nullable(u.FirstName) }),
			"LastName":         us(func(u *routemap.User) any { return u.LastName }),
			"Name":             us(func(u *routemap.User) any { return u.Name() }),
			"IsActive":         us(func(u *routemap.User) any { return u.IsActive }),
			"CallCenterId":     us(func(u *routemap.User) any { return u.CallCenterID }),
			"CreatedDate":      us(func(u *routemap.User) any { return u.CreatedDate }),
			"CreatedById":      us(func(u *routemap.User) any { return sfid.ID("") }),
			"LastModifiedDate": us(func(u *routemap.User) any { return u.LastModifiedDate }),
			"LastModifiedById": us(func(u *routemap.User) any { return sfid.ID("") }),
			"SystemModstamp":   us(func(u *routemap.User) any { return u.LastModifiedDate }),
		},
		routemap.ObjectCallCenter: {
			"Id":                                     cc(func(c *routemap.CallCenter) any { return c.ID }),
			"Name":                                   cc(func(c *routemap.CallCenter) any { return c.Name }),
			"InternalName":                           cc(func(c *routemap.CallCenter) any { return c.InternalName }),
			routemap.FieldCallCenterProvider:         cc(func(c *routemap.CallCenter) any { return nullable(string(c.Provider)) }),
			routemap.FieldCallCenterConnectInstance:  cc(func(c *routemap.CallCenter) any { return nullable(c.ConnectInstanceARN) }),
			routemap.FieldCallCenterUsernameTemplate: cc(func(c *routemap.CallCenter) any { return nullable(c.UsernameTemplate) }),
			"CreatedDate":                            cc(func(c *routemap.CallCenter) any { return c.CreatedDate }),
			"CreatedById":                            cc(func(c *routemap.CallCenter) any { return sfid.ID("") }),
			"LastModifiedDate":                       cc(func(c *routemap.CallCenter) any { return c.CreatedDate }),
			"LastModifiedById":                       cc(func(c *routemap.CallCenter) any { return sfid.ID("") }),
			"SystemModstamp":                         cc(func(c *routemap.CallCenter) any { return c.CreatedDate }),
		},
		routemap.ObjectGroup: {
			"Id":               gr(func(g *routemap.Group) any { return g.ID }),
			"Name":             gr(func(g *routemap.Group) any { return g.Name }),
			"DeveloperName":    gr(func(g *routemap.Group) any { return g.DeveloperName }),
			"Type":             gr(func(g *routemap.Group) any { return g.Type }),
			"CreatedDate":      gr(func(g *routemap.Group) any { return g.CreatedDate }),
			"CreatedById":      gr(func(g *routemap.Group) any { return sfid.ID("") }),
			"LastModifiedDate": gr(func(g *routemap.Group) any { return g.CreatedDate }),
			"LastModifiedById": gr(func(g *routemap.Group) any { return sfid.ID("") }),
			"SystemModstamp":   gr(func(g *routemap.Group) any { return g.CreatedDate }),
		},
		routemap.ObjectOrganization: {
			"Id":   og(func(o *routemap.Org) any { return o.ID }),
			"Name": og(func(o *routemap.Org) any { return o.Name }),
			// Fields routemap does not store: every org reports the same
			// production edition (see routemap.OrgInstanceName).
			"InstanceName":        og(func(*routemap.Org) any { return routemap.OrgInstanceName }),
			"IsSandbox":           og(func(*routemap.Org) any { return false }),
			"TrialExpirationDate": og(func(*routemap.Org) any { return nil }),
			"NamespacePrefix":     og(func(*routemap.Org) any { return nil }),
			"OrganizationType":    og(func(*routemap.Org) any { return routemap.OrgType }),
			"CreatedDate":         og(func(o *routemap.Org) any { return o.CreatedDate }),
			"CreatedById":         og(func(o *routemap.Org) any { return sfid.ID("") }),
			"LastModifiedDate":    og(func(o *routemap.Org) any { return o.CreatedDate }),
			"LastModifiedById":    og(func(o *routemap.Org) any { return sfid.ID("") }),
			"SystemModstamp":      og(func(o *routemap.Org) any { return o.CreatedDate }),
		},
	}
}

// selectFields resolves a ?fields= list against an object at the request's
// version; empty means every field.
func (rq *request) selectFields(o *routemap.ObjectInfo, list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		var out []string
		for _, f := range o.FieldsAt(rq.v) {
			out = append(out, f.Name)
		}
		return out, nil
	}
	var out []string
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		f := o.Field(name, rq.v)
		if f == nil {
			return nil, noSuchColumn(o, name, rq.v)
		}
		out = append(out, f.Name)
	}
	return out, nil
}

// noSuchColumn is the INVALID_FIELD error for an unknown field, which
// names the version that has it when the field is only newer.
func noSuchColumn(o *routemap.ObjectInfo, name string, version float64) error {
	msg := fmt.Sprintf("No such column '%s' on sobject of type %s", name, o.Name)
	if f := o.Field(name, 0); f != nil {
		msg += fmt.Sprintf(" (%s exists from API version %.1f; this request uses %.1f)", f.Name, f.MinVersion, version)
	}
	return &routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidField, Message: msg, Fields: []string{name}}
}

// toRecord renders a stored record with the given fields.
func (rq *request) toRecord(o *routemap.ObjectInfo, id sfid.ID, rec any, fields []string) *record {
	acc := rq.s.accessors[o.Name]
	out := &record{Type: o.Name, URL: rq.path("sobjects", o.Name, string(id)), Fields: fields, Values: make([]any, len(fields))}
	for i, f := range fields {
		if a := acc[f]; a != nil {
			out.Values[i] = a(rec)
		}
	}
	return out
}

// fieldValue is a value in a request body: a string, a bool, or null.
type fieldValue struct {
	Null bool
	Str  string
	Bool bool
}

// body is a decoded sObject from a request body: canonical field name to
// value, plus the "attributes" type and any "id" given.
type body struct {
	Type   string
	ID     string
	HasID  bool
	Fields map[string]fieldValue
	order  []string
}

// jsonError builds a JSON_PARSER_ERROR with Jackson-style position text.
func jsonError(data []byte, offset int64, format string, args ...any) error {
	line, col := 1, 1
	for i := int64(0); i < offset && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &routemap.Error{Code: routemap.EINVALID, Reason: reasonJSON,
		Message: fmt.Sprintf(format, args...) + fmt.Sprintf(" at [line:%d, column:%d]", line, col)}
}

// decodeBody decodes one sObject from JSON. Field names are matched
// without regard to case; unknown fields are INVALID_FIELD; values must be
// strings (booleans for boolean fields) or null.
func decodeBody(data []byte, o *routemap.ObjectInfo, version float64) (*body, error) {
	if o.Name == routemap.ObjectRoutingMap {
		if b, err := decodeRoutingMapFast(data, version); err == nil {
			return b, nil
		}
	}
	return decodeBodySlow(data, o, version)
}

// decodeBodySlow decodes token by token, keeping positions for errors.
func decodeBodySlow(data []byte, o *routemap.ObjectInfo, version float64) (*body, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &routemap.Error{Code: routemap.EINVALID, Reason: reasonJSON,
			Message: "The HTTP entity body is required, but this request has no entity body."}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	b, err := decodeObject(dec, data, o, version)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, jsonError(data, dec.InputOffset(), "Unexpected character after the end of the object")
	}
	return b, nil
}

// decodeObject reads one JSON object from dec (used for single records and
// for each record of a collection).
func decodeObject(dec *json.Decoder, data []byte, o *routemap.ObjectInfo, version float64) (*body, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(data, dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, jsonError(data, dec.InputOffset(), "Cannot deserialize instance of %s from %s token", o.Name, tokenName(tok))
	}
	b := &body{Fields: map[string]fieldValue{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(data, dec, err)
		}
		key, _ := tok.(string)
		at := dec.InputOffset()
		if strings.EqualFold(key, "attributes") {
			var attrs struct {
				Type string `json:"type"`
			}
			if err := dec.Decode(&attrs); err != nil {
				return nil, syntaxError(data, dec, err)
			}
			b.Type = attrs.Type
			continue
		}
		val, err := dec.Token()
		if err != nil {
			return nil, syntaxError(data, dec, err)
		}
		if d, ok := val.(json.Delim); ok {
			return nil, jsonError(data, at, "Cannot deserialize instance of string from %s value %s or request may be missing a required field", tokenName(d), d)
		}
		if strings.EqualFold(key, "Id") {
			s, ok := val.(string)
			if !ok && val != nil {
				return nil, jsonError(data, at, "Cannot deserialize instance of id from %s", tokenName(val))
			}
			b.ID, b.HasID = s, true
			continue
		}
		f := o.Field(key, version)
		if f == nil {
			return nil, noSuchColumn(o, key, version)
		}
		var fv fieldValue
		switch x := val.(type) {
		case nil:
			fv.Null = true
		case string:
			if f.Type == routemap.TypeBoolean {
				return nil, jsonError(data, at, "Cannot deserialize instance of boolean from VALUE_STRING value %s or request may be missing a required field", x)
			}
			fv.Str = x
		case bool:
			if f.Type != routemap.TypeBoolean {
				return nil, jsonError(data, at, "Cannot deserialize instance of string from VALUE_%s value %t or request may be missing a required field", strings.ToUpper(fmt.Sprint(x)), x)
			}
			fv.Bool = x
		case json.Number:
			return nil, jsonError(data, at, "Cannot deserialize instance of %s from VALUE_NUMBER value %s or request may be missing a required field", f.Type, x)
		}
		if _, dup := b.Fields[f.Name]; !dup {
			b.order = append(b.order, f.Name)
		}
		b.Fields[f.Name] = fv
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, syntaxError(data, dec, err)
	}
	return b, nil
}

func tokenName(t any) string {
	switch x := t.(type) {
	case json.Delim:
		switch x {
		case '{':
			return "START_OBJECT"
		case '[':
			return "START_ARRAY"
		}
		return "END"
	case string:
		return "VALUE_STRING"
	case bool:
		return "VALUE_BOOLEAN"
	case nil:
		return "VALUE_NULL"
	}
	return "VALUE_NUMBER"
}

func syntaxError(data []byte, dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return jsonError(data, se.Offset, "Unexpected character: %s", se.Error())
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return jsonError(data, int64(len(data)), "Unexpected end-of-input: expected close marker for OBJECT")
	}
	return jsonError(data, dec.InputOffset(), "%v", err)
}
