package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"routemap"
	"routemap/sfid"
)

// maxCollection is the most records one sObject Collections call takes.
const maxCollection = 200

// collectionResult is one element of an sObject Collections answer.
type collectionResult struct {
	ID      *string           `json:"id,omitempty"`
	Success bool              `json:"success"`
	Errors  []collectionError `json:"errors"`
	Created *bool             `json:"created,omitempty"`
}

var errTooMany = &routemap.Error{Code: routemap.EINVALID, Reason: reasonTooMany,
	Message: "record limit reached. cannot submit more than 200 records into this call"}

// routeCollections serves /composite/sobjects[/{Object}].
func (rq *request) routeCollections(seg []string) {
	switch {
	case len(seg) == 0 && rq.r.Method == http.MethodPost:
		rq.collectionWrite(true)
	case len(seg) == 0 && rq.r.Method == http.MethodPatch:
		rq.collectionWrite(false)
	case len(seg) == 0 && rq.r.Method == http.MethodDelete:
		rq.collectionDelete()
	case len(seg) == 0:
		rq.fail(methodNotAllowed(rq.r, "POST", "PATCH", "DELETE"))
	case len(seg) == 1 && (rq.r.Method == http.MethodGet || rq.r.Method == http.MethodPost):
		rq.collectionRetrieve(seg[0])
	case len(seg) == 2:
		// Upsert on an external id field: none exists on these objects.
		rq.fail(&routemap.Error{Code: routemap.ENOTFOUND, Message: "Provided external ID field does not exist or is not accessible: " + seg[1]})
	default:
		rq.fail(notFound())
	}
}

// collectionWrite creates (create true) or updates up to 200 routing maps.
// Each record is judged as a single REST write would be; with allOrNone,
// one failure rolls back all.
func (rq *request) collectionWrite(create bool) {
	data, err := rq.s.readBody(rq.w, rq.r, rq.s.MaxBodyBytes)
	if err != nil {
		rq.fail(err)
		return
	}
	var req struct {
		AllOrNone bool              `json:"allOrNone"`
		Records   []json.RawMessage `json:"records"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&req); err != nil {
		rq.fail(syntaxError(data, dec, err))
		return
	}
	if len(req.Records) > maxCollection {
		rq.fail(errTooMany)
		return
	}
	o := rq.s.schema.Object(routemap.ObjectRoutingMap)
	ctx := rq.r.Context()
	centers := newCenterCache(rq.s, rq.c.Org.ID)
	results := make([]collectionResult, len(req.Records))
	errs := make([]error, len(req.Records))
	var ops []routemap.RoutingMapOp
	var opIndex []int
	allowed := rq.c.can(routemap.PermEditRoutingMap) && (!create || rq.c.can(routemap.PermCreateRoutingMap))
	for i, raw := range req.Records {
		var op routemap.RoutingMapOp
		b, err := decodeBody(raw, o, rq.v)
		switch {
		case err != nil:
		case b.Type == "":
			err = &routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidType, Message: "When creating or updating records, each record must have an attributes type"}
		case !strings.EqualFold(b.Type, o.Name):
			err = &routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidType, Message: "sObject Collections here take " + o.Name + " records, not " + b.Type}
		case !allowed:
			err = forbidden(o.Name)
		case create:
			op, err = createOp(ctx, centers, o, b)
		default:
			var id sfid.ID
			id, err = parseRecordID(o, b.ID)
			if !b.HasID || b.ID == "" {
				err = &routemap.Error{Code: routemap.EINVALID, Reason: reasonMalformedID, Message: "Id not specified in an update call"}
			} else if err == nil {
				op, err = updateOp(ctx, rq.s.Store, centers, rq.c.Org.ID, o, id, b)
			}
			if err != nil && routemap.ErrorCode(err) == routemap.ENOTFOUND {
				err = &routemap.Error{Code: routemap.EINVALID, Reason: routemap.ReasonReferenceNotFound, Message: "invalid cross reference id"}
			}
			if b.ID != "" {
				s := b.ID
				results[i].ID = &s
			}
		}
		if err != nil && routemap.ErrorCode(err) == routemap.EINTERNAL {
			rq.fail(err)
			return
		}
		if err != nil {
			errs[i] = err
			continue
		}
		ops = append(ops, op)
		opIndex = append(opIndex, i)
	}
	failedEarly := len(ops) < len(req.Records)
	if req.AllOrNone && failedEarly {
		ops = nil
	}
	if len(ops) > 0 {
		res, err := rq.s.Store.ApplyRoutingMaps(ctx, rq.c.Org.ID, rq.c.User.ID, ops, req.AllOrNone)
		if err != nil {
			rq.fail(err)
			return
		}
		for k, r := range res {
			i := opIndex[k]
			errs[i] = r.Err
			if r.Err == nil {
				id := string(r.ID)
				results[i].ID = &id
			}
		}
	}
	rolledBack := &routemap.Error{Code: routemap.EINVALID, Reason: routemap.ReasonRolledBack,
		Message: "Record rolled back because not all records were valid and the request was using AllOrNone header"}
	for i := range results {
		err := errs[i]
		if err == nil && req.AllOrNone && failedEarly {
			err = rolledBack
		}
		if err != nil {
			if create {
				results[i].ID = nil
			}
			results[i].Errors = rq.s.collectionErrors(rq.r, err)
			continue
		}
		results[i].Success = true
		results[i].Errors = []collectionError{}
	}
	rq.json(http.StatusOK, results)
}

// collectionDelete deletes up to 200 routing maps by id.
func (rq *request) collectionDelete() {
	q := rq.r.URL.Query()
	var ids []string
	for _, s := range strings.Split(q.Get("ids"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			ids = append(ids, s)
		}
	}
	if len(ids) == 0 {
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidInput, Message: "The ids parameter is required"})
		return
	}
	if len(ids) > maxCollection {
		rq.fail(errTooMany)
		return
	}
	allOrNone := strings.EqualFold(q.Get("allOrNone"), "true")
	o := rq.s.schema.Object(routemap.ObjectRoutingMap)
	results := make([]collectionResult, len(ids))
	errs := make([]error, len(ids))
	var ops []routemap.RoutingMapOp
	var opIndex []int
	for i, s := range ids {
		idCopy := s
		results[i].ID = &idCopy
		id, err := sfid.Parse(s)
		switch {
		case err != nil:
			errs[i] = &routemap.Error{Code: routemap.EINVALID, Reason: reasonMalformedID, Message: "malformed id " + s}
		case string(id.Prefix()) != o.KeyPrefix:
			errs[i] = &routemap.Error{Code: routemap.EINVALID, Reason: routemap.ReasonReferenceNotFound, Message: "invalid cross reference id"}
		case !rq.c.can(routemap.PermDeleteRoutingMap):
			errs[i] = forbidden(o.Name)
		default:
			ops = append(ops, routemap.RoutingMapOp{Kind: routemap.OpDelete, Map: routemap.RoutingMap{ID: id}})
			opIndex = append(opIndex, i)
		}
	}
	failedEarly := len(ops) < len(ids)
	if allOrNone && failedEarly {
		ops = nil
	}
	if len(ops) > 0 {
		res, err := rq.s.Store.ApplyRoutingMaps(rq.r.Context(), rq.c.Org.ID, rq.c.User.ID, ops, allOrNone)
		if err != nil {
			rq.fail(err)
			return
		}
		for k, r := range res {
			err := r.Err
			if routemap.ErrorCode(err) == routemap.ENOTFOUND {
				if e, ok := err.(*routemap.Error); !ok || e.Reason != routemap.ReasonDeleted {
					err = &routemap.Error{Code: routemap.EINVALID, Reason: routemap.ReasonReferenceNotFound, Message: "invalid cross reference id"}
				}
			}
			errs[opIndex[k]] = err
		}
	}
	for i := range results {
		err := errs[i]
		if err == nil && allOrNone && failedEarly {
			err = &routemap.Error{Code: routemap.EINVALID, Reason: routemap.ReasonRolledBack,
				Message: "Record rolled back because not all records were valid and the request was using AllOrNone header"}
		}
		if err != nil {
			results[i].Errors = rq.s.collectionErrors(rq.r, err)
			continue
		}
		results[i].Success = true
		results[i].Errors = []collectionError{}
	}
	rq.json(http.StatusOK, results)
}

// collectionRetrieve serves GET /composite/sobjects/{Object}?ids=&fields=
// and its POST form with a JSON body {"ids": [...], "fields": [...]}. A
// record that does not exist is null in the answer.
func (rq *request) collectionRetrieve(name string) {
	o, err := rq.object(name)
	if err != nil {
		rq.fail(err)
		return
	}
	var ids, fields []string
	if rq.r.Method == http.MethodPost {
		data, err := rq.s.readBody(rq.w, rq.r, rq.s.MaxBodyBytes)
		if err != nil {
			rq.fail(err)
			return
		}
		var req struct {
			IDs    []string `json:"ids"`
			Fields []string `json:"fields"`
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&req); err != nil {
			rq.fail(syntaxError(data, dec, err))
			return
		}
		ids, fields = req.IDs, req.Fields
	} else {
		q := rq.r.URL.Query()
		ids = splitList(q.Get("ids"))
		fields = splitList(q.Get("fields"))
	}
	if len(fields) == 0 {
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: reasonInvalidInput, Message: "The fields parameter is required"})
		return
	}
	if len(ids) > 2000 {
		rq.fail(&routemap.Error{Code: routemap.EINVALID, Reason: reasonTooMany, Message: "record limit reached. cannot submit more than 2000 records into this call"})
		return
	}
	canon, err := rq.selectFields(o, strings.Join(fields, ","))
	if err != nil {
		rq.fail(err)
		return
	}
	out := make([]any, len(ids))
	for i, s := range ids {
		id, err := sfid.Parse(s)
		if err != nil || string(id.Prefix()) != o.KeyPrefix {
			continue
		}
		rec, err := rq.find(o, id)
		if err != nil {
			if c := routemap.ErrorCode(err); c == routemap.ENOTFOUND {
				continue
			}
			rq.fail(err)
			return
		}
		out[i] = rq.toRecord(o, id, rec, canon)
	}
	rq.json(http.StatusOK, out)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
