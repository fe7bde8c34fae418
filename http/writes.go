package http

import (
	"context"
	"fmt"
	"sync"

	"routemap"
	"routemap/sfid"
)

// centerCache remembers the contact centers a request has looked up, so
// that a collection or a bulk chunk costs one read per contact center. It
// falls back on the server's cache of contact centers found before:
// contact centers are never changed or deleted through the API, so one
// found stays valid (one not found is asked again, as it may be created).
type centerCache struct {
	store  routemap.Store
	org    sfid.ID
	shared *sync.Map                        // [2]sfid.ID{org, id} → *routemap.CallCenter
	seen   map[sfid.ID]*routemap.CallCenter // nil value: not in the org
}

func newCenterCache(s *Server, org sfid.ID) *centerCache {
	return &centerCache{store: s.Store, org: org, shared: &s.centers, seen: map[sfid.ID]*routemap.CallCenter{}}
}

// rules returns the rules for maps of the contact center named in the
// draft: its provider and Connect instance when it exists, the inferred
// rules otherwise (the store then rejects the unknown contact center).
func (cc *centerCache) rules(ctx context.Context, raw string) (routemap.Rules, error) {
	id, err := sfid.Parse(trimSpace(raw))
	if err != nil {
		return routemap.Rules{}, nil // Check reports the bad id
	}
	c, ok := cc.seen[id]
	if !ok {
		if v, hit := cc.shared.Load([2]sfid.ID{cc.org, id}); hit {
			c = v.(*routemap.CallCenter)
		} else {
			c, err = cc.store.FindCallCenter(ctx, cc.org, id)
			if routemap.ErrorCode(err) == routemap.ENOTFOUND {
				c, err = nil, nil
			}
			if err != nil {
				return routemap.Rules{}, err
			}
			if c != nil {
				cc.shared.Store([2]sfid.ID{cc.org, id}, c)
			}
		}
		cc.seen[id] = c
	}
	if c == nil {
		return routemap.Rules{}, nil
	}
	r := c.Rules()
	r.CallCenterID = "" // the draft names its own; the store checks it exists
	return r, nil
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// applyBody copies body values onto a draft.
func applyBody(d *routemap.Draft, b *body) {
	for name, v := range b.Fields {
		val := v.Str
		if v.Null {
			val = ""
		}
		switch name {
		case routemap.FieldExternalID:
			d.ExternalID = val
		case routemap.FieldReferenceRecordID:
			d.ReferenceRecordID = val
		case routemap.FieldCallCenterID:
			d.CallCenterID = val
		case routemap.FieldDeveloperName:
			d.DeveloperName = val
		case routemap.FieldQuickConnect:
			d.QuickConnect = val
		case routemap.FieldMasterLabel:
			d.MasterLabel = val
		case routemap.FieldLanguage:
			d.Language = val
		}
	}
}

// checkWritable rejects fields a client may not set.
func checkWritable(o *routemap.ObjectInfo, b *body, create bool) error {
	var bad []string
	for _, name := range b.order {
		f := o.Field(name, 0)
		if create && !f.Createable || !create && !f.Updateable {
			bad = append(bad, name)
		}
	}
	if len(bad) > 0 {
		return &routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidFieldWrite, Fields: bad,
			Message: fmt.Sprintf("Unable to create/update fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", join(bad))}
	}
	return nil
}

func join(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

var errIDInBody = &routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidField, Message: "The Id field should not be specified in the sobject data."}

// createOp judges a new routing map exactly as every API does (REST,
// collections and Bulk API share it) and returns the store operation.
func createOp(ctx context.Context, centers *centerCache, o *routemap.ObjectInfo, b *body) (routemap.RoutingMapOp, error) {
	if b.HasID {
		return routemap.RoutingMapOp{}, errIDInBody
	}
	if err := checkWritable(o, b, true); err != nil {
		return routemap.RoutingMapOp{}, err
	}
	var d routemap.Draft
	applyBody(&d, b)
	rules, err := centers.rules(ctx, d.CallCenterID)
	if err != nil {
		return routemap.RoutingMapOp{}, err
	}
	checked := d.Check(rules)
	if err := routemap.InvalidError(checked.Problems); err != nil {
		return routemap.RoutingMapOp{}, err
	}
	return routemap.RoutingMapOp{Kind: routemap.OpCreate, Map: checked.Map}, nil
}

// updateOp merges the body over the stored map, judges the result and
// returns the store operation, which sets only the fields given.
func updateOp(ctx context.Context, store routemap.Store, centers *centerCache, org sfid.ID, o *routemap.ObjectInfo, id sfid.ID, b *body) (routemap.RoutingMapOp, error) {
	if err := checkWritable(o, b, false); err != nil {
		return routemap.RoutingMapOp{}, err
	}
	cur, err := store.FindRoutingMap(ctx, org, id, false)
	if err != nil {
		return routemap.RoutingMapOp{}, err
	}
	d := cur.Draft()
	applyBody(&d, b)
	d.ID = ""
	rules, err := centers.rules(ctx, d.CallCenterID)
	if err != nil {
		return routemap.RoutingMapOp{}, err
	}
	checked := d.Check(rules)
	if err := routemap.InvalidError(checked.Problems); err != nil {
		return routemap.RoutingMapOp{}, err
	}
	m := checked.Map
	m.ID = id
	return routemap.RoutingMapOp{Kind: routemap.OpUpdate, Map: m, Fields: b.order}, nil
}

// parseRecordID reads a record id from a path or body for an object,
// answering NOT_FOUND for anything that is not one of its ids.
func parseRecordID(o *routemap.ObjectInfo, s string) (sfid.ID, error) {
	id, err := sfid.Parse(s)
	if err != nil || string(id.Prefix()) != o.KeyPrefix {
		return "", notFound()
	}
	return id, nil
}
