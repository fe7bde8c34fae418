package http

import (
	"net/http"

	"routemap"
	"routemap/sfid"
)

// routeSObjects serves /sobjects and everything below it.
func (rq *request) routeSObjects(seg []string) {
	if len(seg) == 0 {
		rq.handleGlobalDescribe()
		return
	}
	o, err := rq.object(seg[0])
	if err != nil {
		rq.fail(err)
		return
	}
	switch {
	case len(seg) == 1:
		switch rq.r.Method {
		case http.MethodGet:
			rq.json(http.StatusOK, map[string]any{"objectDescribe": rq.basicInfo(o), "recentItems": []any{}})
		case http.MethodPost:
			rq.handleCreate(o)
		default:
			rq.fail(methodNotAllowed(rq.r, "GET", "HEAD", "POST"))
		}
	case len(seg) == 2 && seg[1] == "describe":
		rq.handleDescribe(o)
	case len(seg) == 2:
		rq.handleRecord(o, seg[1])
	case len(seg) == 3:
		// Upsert and retrieval by external id: no field of these objects
		// is an external id (docs/api.md).
		rq.fail(&routemap.Error{Code: routemap.ENOTFOUND, Message: "Provided external ID field does not exist or is not accessible: " + seg[1]})
	default:
		rq.fail(notFound())
	}
}

func (rq *request) handleCreate(o *routemap.ObjectInfo) {
	if o.Name != routemap.ObjectRoutingMap {
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidType, Message: "entity type " + o.Name + " does not support create"})
		return
	}
	if !rq.c.can(routemap.PermCreateRoutingMap) || !rq.c.can(routemap.PermEditRoutingMap) {
		rq.fail(forbidden(o.Name))
		return
	}
	data, err := rq.s.readBody(rq.w, rq.r, rq.s.MaxBodyBytes)
	if err != nil {
		rq.fail(err)
		return
	}
	b, err := decodeBody(data, o, rq.v)
	if err != nil {
		rq.fail(err)
		return
	}
	ctx := rq.r.Context()
	op, err := createOp(ctx, newCenterCache(rq.s, rq.c.Org.ID), o, b)
	if err != nil {
		rq.fail(err)
		return
	}
	res, err := rq.s.Store.ApplyRoutingMaps(ctx, rq.c.Org.ID, rq.c.User.ID, []routemap.RoutingMapOp{op}, false)
	if err != nil {
		rq.fail(err)
		return
	}
	if res[0].Err != nil {
		rq.fail(res[0].Err)
		return
	}
	rq.w.Header().Set("Location", rq.path("sobjects", o.Name, string(res[0].ID)))
	rq.json(http.StatusCreated, saveResult{ID: string(res[0].ID), Success: true, Errors: []apiError{}})
}

// saveResult is the answer to a create, with Salesforce's key order.
type saveResult struct {
	ID      string     `json:"id"`
	Success bool       `json:"success"`
	Errors  []apiError `json:"errors"`
}

// handleRecord serves GET, PATCH and DELETE on one record.
func (rq *request) handleRecord(o *routemap.ObjectInfo, rawID string) {
	id, err := sfid.Parse(rawID)
	if err != nil {
		// Salesforce reads a segment that is no id as an external id.
		rq.fail(&routemap.Error{Code: routemap.ENOTFOUND, Message: "Provided external ID field does not exist or is not accessible: " + rawID})
		return
	}
	if string(id.Prefix()) != o.KeyPrefix {
		rq.fail(notFound())
		return
	}
	switch rq.r.Method {
	case http.MethodGet, http.MethodHead:
		rq.handleRetrieve(o, id)
	case http.MethodPatch:
		rq.handleUpdate(o, id)
	case http.MethodDelete:
		rq.handleDelete(o, id)
	default:
		rq.fail(methodNotAllowed(rq.r, "GET", "HEAD", "PATCH", "DELETE"))
	}
}

// find loads one record of any served object in the caller's org.
func (rq *request) find(o *routemap.ObjectInfo, id sfid.ID) (any, error) {
	ctx, org := rq.r.Context(), rq.c.Org.ID
	switch o.Name {
	case routemap.ObjectRoutingMap:
		if !rq.c.can(routemap.PermReadRoutingMap) {
			return nil, forbidden(o.Name)
		}
		return rq.s.Store.FindRoutingMap(ctx, org, id, false)
	case routemap.ObjectUser:
		return rq.s.Store.FindUser(ctx, org, id)
	case routemap.ObjectCallCenter:
		return rq.s.Store.FindCallCenter(ctx, org, id)
	case routemap.ObjectGroup:
		return rq.s.Store.FindGroup(ctx, org, id)
	case routemap.ObjectOrganization:
		if id != org {
			return nil, notFound()
		}
		return rq.c.Org, nil
	}
	return nil, notFound()
}

func (rq *request) handleRetrieve(o *routemap.ObjectInfo, id sfid.ID) {
	fields, err := rq.selectFields(o, rq.r.URL.Query().Get("fields"))
	if err != nil {
		rq.fail(err)
		return
	}
	rec, err := rq.find(o, id)
	if err != nil {
		rq.fail(err)
		return
	}
	rq.writeRecord(rq.toRecord(o, id, rec, fields))
}

func (rq *request) handleUpdate(o *routemap.ObjectInfo, id sfid.ID) {
	data, err := rq.s.readBody(rq.w, rq.r, rq.s.MaxBodyBytes)
	if err != nil {
		rq.fail(err)
		return
	}
	b, err := decodeBody(data, o, rq.v)
	if err != nil {
		rq.fail(err)
		return
	}
	if b.HasID {
		rq.fail(errIDInBody)
		return
	}
	ctx := rq.r.Context()
	switch o.Name {
	case routemap.ObjectRoutingMap:
		if !rq.c.can(routemap.PermEditRoutingMap) {
			rq.fail(forbidden(o.Name))
			return
		}
		op, err := updateOp(ctx, rq.s.Store, newCenterCache(rq.s, rq.c.Org.ID), rq.c.Org.ID, o, id, b)
		if err != nil {
			rq.fail(err)
			return
		}
		res, err := rq.s.Store.ApplyRoutingMaps(ctx, rq.c.Org.ID, rq.c.User.ID, []routemap.RoutingMapOp{op}, false)
		if err == nil {
			err = res[0].Err
		}
		if err != nil {
			rq.fail(err)
			return
		}
		rq.w.WriteHeader(http.StatusNoContent)
	case routemap.ObjectUser:
		rq.updateUser(o, id, b)
	default:
		rq.fail(&routemap.Error{Code: routemap.EFORBIDDEN, Message: "entity type " + o.Name + " cannot be updated through routemap"})
	}
}

// updateUser applies a PATCH to a user: CallCenterId (adding the user to
// or removing them from a contact center) needs "manage call centers";
// the other fields need "manage users".
func (rq *request) updateUser(o *routemap.ObjectInfo, id sfid.ID, b *body) {
	if err := checkWritable(o, b, false); err != nil {
		rq.fail(err)
		return
	}
	var upd routemap.UserUpdate
	for name, v := range b.Fields {
		need := routemap.PermManageUsers
		if name == "CallCenterId" {
			need = routemap.PermManageCallCenters
		}
		if !rq.c.can(need) {
			rq.fail(forbidden(string(id)))
			return
		}
		s := v.Str
		switch name {
		case "CallCenterId":
			var cc sfid.ID
			if !v.Null && s != "" {
				parsed, err := sfid.Parse(s)
				if err != nil || parsed.Prefix() != sfid.PrefixCallCenter {
					rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: reasonMalformedID, Fields: []string{name},
						Message: "Call Center ID: id value of incorrect type: " + s})
					return
				}
				cc = parsed
			}
			upd.CallCenterID = &cc
		case "IsActive":
			active := v.Bool
			upd.IsActive = &active
		case "Alias":
			upd.Alias = &s
		case "Email":
			upd.Email = &s
		case "FirstName":
			upd.FirstName = &s
		case "LastName":
			upd.LastName = &s
		}
	}
	if _, err := rq.s.Store.UpdateUser(rq.r.Context(), rq.c.Org.ID, id, upd); err != nil {
		rq.fail(err)
		return
	}
	rq.s.sessions.dropUser(id)
	rq.w.WriteHeader(http.StatusNoContent)
}

func (rq *request) handleDelete(o *routemap.ObjectInfo, id sfid.ID) {
	if o.Name != routemap.ObjectRoutingMap {
		rq.fail(&routemap.Error{Code: routemap.EFORBIDDEN, Message: "entity type " + o.Name + " cannot be deleted through routemap"})
		return
	}
	if !rq.c.can(routemap.PermDeleteRoutingMap) {
		rq.fail(forbidden(o.Name))
		return
	}
	op := routemap.RoutingMapOp{Kind: routemap.OpDelete, Map: routemap.RoutingMap{ID: id}}
	res, err := rq.s.Store.ApplyRoutingMaps(rq.r.Context(), rq.c.Org.ID, rq.c.User.ID, []routemap.RoutingMapOp{op}, false)
	if err == nil {
		err = res[0].Err
	}
	if err != nil {
		rq.fail(err)
		return
	}
	rq.w.WriteHeader(http.StatusNoContent)
}
