package http

import (
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
