package http

import (
	"bytes"
	"encoding/json"
	"errors"

	"routemap"
)

// errSlowPath sends a body to the general decoder, which finds the exact
// error (and its position) when there is one.
var errSlowPath = errors.New("take the general decoder")

// optString is a JSON string field that remembers whether it was present
// and whether it was null.
type optString struct {
	set, null bool
	v         string
}

func (s *optString) UnmarshalJSON(b []byte) error {
	s.set = true
	if len(b) == 4 && string(b) == "null" {
		s.null = true
		return nil
	}
	if len(b) == 0 || b[0] != '"' {
		return errSlowPath
	}
	return json.Unmarshal(b, &s.v)
}

// routingMapJSON is a CallCenterRoutingMap body as clients send it. Field
// names match in any case, as encoding/json does; anything else (an
// unknown or read-only field, a value that is not a string) goes to the
// general decoder.
type routingMapJSON struct {
	Attributes        *struct{ Type string } `json:"attributes"`
	ID                optString              `json:"Id"`
	ExternalID        optString              `json:"ExternalId"`
	ReferenceRecordID optString              `json:"ReferenceRecordId"`
	CallCenterID      optString              `json:"CallCenterId"`
	DeveloperName     optString              `json:"DeveloperName"`
	QuickConnect      optString              `json:"QuickConnect"`
	MasterLabel       optString              `json:"MasterLabel"`
	Language          optString              `json:"Language"`
}

// decodeRoutingMapFast decodes the common routing-map body in one pass of
// encoding/json, several times faster than the token-by-token decoder. It
// returns errSlowPath for anything it does not handle.
func decodeRoutingMapFast(data []byte, version float64) (*body, error) {
	var in routingMapJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, errSlowPath
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		return nil, errSlowPath
	}
	if in.QuickConnect.set && version < 56 {
		return nil, errSlowPath
	}
	b := &body{Fields: make(map[string]fieldValue, 8)}
	if in.Attributes != nil {
		b.Type = in.Attributes.Type
	}
	if in.ID.set {
		b.ID, b.HasID = in.ID.v, true
	}
	for _, f := range [...]struct {
		name string
		v    *optString
	}{
		{routemap.FieldExternalID, &in.ExternalID},
		{routemap.FieldReferenceRecordID, &in.ReferenceRecordID},
		{routemap.FieldCallCenterID, &in.CallCenterID},
		{routemap.FieldDeveloperName, &in.DeveloperName},
		{routemap.FieldQuickConnect, &in.QuickConnect},
		{routemap.FieldMasterLabel, &in.MasterLabel},
		{routemap.FieldLanguage, &in.Language},
	} {
		if f.v.set {
			b.Fields[f.name] = fieldValue{Null: f.v.null, Str: f.v.v}
			b.order = append(b.order, f.name)
		}
	}
	return b, nil
}
