package http

import (
	"encoding/json"
	"errors"
	"testing"

	"routemap"
)

// FuzzDecodeBody feeds arbitrary bytes to the JSON record decoder. It must
// never panic; it either returns a body whose fields are all known,
// writable-typed values, or a Salesforce-shaped error (JSON_PARSER_ERROR,
// INVALID_FIELD) with a message.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		`{"ExternalId":"arn:aws:connect:us-west-2:111122223333:instance/a/agent/b","ReferenceRecordId":"005Hs00000ABcDe"}`,
		`{"attributes":{"type":"CallCenterRoutingMap"},"id":"0RmRm0000000001","MasterLabel":null}`,
		`{"ExternalId": 12}`, `{"ExternalId": {"a":1}}`, `[1,2]`, `{} {}`, `{"Nope":"x"}`, `{"QuickConnect":"x"}`, ``, `{`, `{"a":`,
		"{\"ExternalId\":\"\\u0000\"}", `{"IsDeleted":true}`,
	} {
		f.Add([]byte(s))
	}
	schema := routemap.NewSchema()
	o := schema.Object(routemap.ObjectRoutingMap)
	u := schema.Object(routemap.ObjectUser)
	f.Fuzz(func(t *testing.T, data []byte) {
		// The fast path must agree with the general decoder whenever it
		// answers.
		for _, v := range []float64{50, 62} {
			fast, err := decodeRoutingMapFast(data, v)
			if err != nil {
				continue
			}
			slow, err := decodeBodySlow(data, o, v)
			if err != nil {
				t.Fatalf("fast path accepted what the general decoder rejects (%v): %q", err, data)
			}
			if fast.Type != slow.Type || fast.ID != slow.ID || fast.HasID != slow.HasID || len(fast.Fields) != len(slow.Fields) {
				t.Fatalf("fast %+v, slow %+v for %q", fast, slow, data)
			}
			for k, fv := range fast.Fields {
				if slow.Fields[k] != fv {
					t.Fatalf("field %s: fast %+v, slow %+v for %q", k, fv, slow.Fields[k], data)
				}
			}
		}
		for _, obj := range []*routemap.ObjectInfo{o, u} {
			for _, v := range []float64{50, 62} {
				b, err := decodeBody(data, obj, v)
				if err != nil {
					var e *routemap.Error
					if !errors.As(err, &e) || e.Message == "" {
						t.Fatalf("error %v (%T) is not a routemap.Error with a message", err, err)
					}
					if _, code := statusFor(err); code != codeJSONParser && code != codeInvalidField {
						t.Fatalf("error code %s for %q", code, data)
					}
					continue
				}
				for name := range b.Fields {
					if obj.Field(name, v) == nil {
						t.Fatalf("decoded unknown field %q at v%.0f", name, v)
					}
				}
				if len(b.order) != len(b.Fields) {
					t.Fatalf("order %v does not match fields %v", b.order, b.Fields)
				}
			}
		}
	})
}

// FuzzAppendJSONString checks the hand-written JSON string writer against
// encoding/json: both must decode to the same string.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " backslash \ `, "tab\tnl\n\x00\x1f", "é€😀", "\xff\xfe", "\u2028\u2029", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want string
		if err := json.Unmarshal(appendJSONString(nil, s), &got); err != nil {
			t.Fatalf("invalid JSON %q for %q: %v", appendJSONString(nil, s), s, err)
		}
		b, _ := json.Marshal(s)
		json.Unmarshal(b, &want)
		if got != want {
			t.Fatalf("%q: got %q, encoding/json gives %q", s, got, want)
		}
	})
}
