package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"routemap"
)

// CollectionSize is the most records one sObject Collections request
// carries; the *Many methods split larger input into requests of this size.
const CollectionSize = 200

// Result is the outcome of one record of an sObject Collections call.
type Result struct {
	// ID is the record's id: the new id of a created record, the given id
	// of an updated or deleted one; empty for a failed create.
	ID string
	// Success reports whether the record was written.
	Success bool
	// Created reports whether the record was inserted.
	Created bool
	// Err is why the record failed: a *routemap.Error whose Reason is the
	// Salesforce statusCode (ALL_OR_NONE_OPERATION_ROLLED_BACK for the
	// innocent records of an allOrNone request; PROCESSING_HALTED for
	// records never sent because an earlier request failed under
	// allOrNone). Nil on success.
	Err error
}

// halted is the error of records not sent because allOrNone was set and
// an earlier request of the same call failed.
func halted() error {
	return &routemap.Error{Code: routemap.EINVALID, Reason: "PROCESSING_HALTED",
		Message: "not sent: an earlier group of 200 records failed and allOrNone was set"}
}

// CreateMany inserts records of one object through sObject Collections,
// CollectionSize at a time, and returns one Result per record in input
// order. allOrNone makes each request of 200 all-or-nothing, and stops
// sending after the first request with a failure; requests already
// committed stay committed, so allOrNone is atomic only for input of at
// most 200 records. A failed record is a Result with Err, not an error;
// the error is for the call itself (EUNAUTHORIZED, ELIMIT, a malformed
// request, a connection failure), and comes with the results of the
// requests that completed before it.
func (c *Client) CreateMany(ctx context.Context, object string, records []map[string]any, allOrNone bool) ([]Result, error) {
	return c.writeMany(ctx, object, records, allOrNone, true)
}

// UpdateMany updates records of one object through sObject Collections;
// each record holds its "Id" and the fields to set (nil clears a field).
// It splits, orders and reports as CreateMany does. Errors: EINVALID
// before any request when a record has no valid Id.
func (c *Client) UpdateMany(ctx context.Context, object string, records []map[string]any, allOrNone bool) ([]Result, error) {
	return c.writeMany(ctx, object, records, allOrNone, false)
}

func (c *Client) writeMany(ctx context.Context, object string, records []map[string]any, allOrNone, create bool) ([]Result, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	verb := "update"
	if create {
		verb = "create"
	}
	body := make([]map[string]any, len(records))
	ids := make([]string, len(records))
	for i, rec := range records {
		out := withoutID(rec)
		out["attributes"] = map[string]string{"type": object}
		if !create {
			var raw string
			for k, v := range rec {
				if strings.EqualFold(k, "Id") {
					raw, _ = v.(string)
				}
			}
			id, err := parseID(raw)
			if err != nil {
				return nil, fmt.Errorf("%s %s: record %d: %w", verb, object, i+1, err)
			}
			ids[i] = string(id)
			out["id"] = string(id)
		} else if hasID(rec) {
			return nil, fmt.Errorf("%s %s: record %d: %w", verb, object, i+1, &routemap.Error{Code: routemap.EINVALID, Reason: "INVALID_FIELD",
				Message: "a record to create must not have an Id", Fields: []string{"Id"}})
		}
		body[i] = out
	}
	method, mode := http.MethodPost, retryRefused
	if !create {
		method, mode = http.MethodPatch, retrySafe
	}
	return collectionRequests{
		ids: ids, create: create, allOrNone: allOrNone, noun: "records",
		where: func(start, end int) string { return fmt.Sprintf("%s %s records %d to %d", verb, object, start+1, end) },
		send: func(start, end int) ([]saveResult, error) {
			cl, err := jsonCall(method, c.dataPath("composite", "sobjects"), map[string]any{"allOrNone": allOrNone, "records": body[start:end]}, mode)
			if err != nil {
				return nil, err
			}
			var page []saveResult
			err = c.doJSON(ctx, cl, &page)
			return page, err
		},
	}.run()
}

// collectionRequests is a Collections write of many records, sent
// CollectionSize at a time: the loop CreateMany, UpdateMany and DeleteMany
// share.
type collectionRequests struct {
	ids       []string // the records' ids where known; a result without one takes it
	create    bool     // the results are of creates
	allOrNone bool     // after a request with a failure, send no more
	noun      string   // what the records are called in errors: "records", "ids"
	where     func(start, end int) string
	send      func(start, end int) ([]saveResult, error)
}

// run sends the requests and returns one Result per record in order, with
// the results so far when a request fails. Records of requests not sent
// after an allOrNone failure are halted.
func (r collectionRequests) run() ([]Result, error) {
	n := len(r.ids)
	results := make([]Result, 0, n)
	stopped := false
	for start := 0; start < n; start += CollectionSize {
		end := min(start+CollectionSize, n)
		if stopped {
			for i := start; i < end; i++ {
				results = append(results, Result{ID: r.ids[i], Err: halted()})
			}
			continue
		}
		page, err := r.send(start, end)
		if err != nil {
			return results, fmt.Errorf("%s: %w", r.where(start, end), err)
		}
		if len(page) != end-start {
			return results, fmt.Errorf("%s: %w", r.where(start, end),
				routemap.Errorf(routemap.EINTERNAL, "the server answered %d results for %d %s", len(page), end-start, r.noun))
		}
		for k, sr := range page {
			res := toResult(sr, r.create)
			if res.ID == "" {
				res.ID = r.ids[start+k]
			}
			if !res.Success && r.allOrNone {
				stopped = true
			}
			results = append(results, res)
		}
	}
	return results, nil
}

// toResult converts one saveResult.
func toResult(r saveResult, create bool) Result {
	res := Result{Success: r.Success}
	if r.ID != nil {
		res.ID = *r.ID
	}
	if r.Created != nil {
		res.Created = *r.Created
	} else {
		res.Created = create && r.Success
	}
	if !r.Success {
		if e := fromAPIErrors(r.Errors, 0); e != nil {
			res.Err = e
		} else {
			res.Err = routemap.Errorf(routemap.EINTERNAL, "the record failed without an error")
		}
		if create {
			res.ID = ""
		}
	}
	return res
}

// DeleteMany deletes records by id through sObject Collections, in
// requests of CollectionSize, and returns one Result per id in input
// order, as CreateMany does. Errors: EINVALID before any request when an
// id is malformed.
func (c *Client) DeleteMany(ctx context.Context, ids []string, allOrNone bool) ([]Result, error) {
	clean := make([]string, len(ids))
	for i, s := range ids {
		id, err := parseID(s)
		if err != nil {
			return nil, fmt.Errorf("delete: id %d: %w", i+1, err)
		}
		clean[i] = string(id)
	}
	return collectionRequests{
		ids: clean, allOrNone: allOrNone, noun: "ids",
		where: func(start, end int) string { return fmt.Sprintf("delete records %d to %d", start+1, end) },
		send: func(start, end int) ([]saveResult, error) {
			q := url.Values{"ids": {strings.Join(clean[start:end], ",")}}
			if allOrNone {
				q.Set("allOrNone", "true")
			}
			var page []saveResult
			err := c.doJSON(ctx, &call{method: http.MethodDelete, url: c.dataPath("composite", "sobjects"), query: q, mode: retrySafe}, &page)
			return page, err
		},
	}.run()
}

// RetrieveMany reads records of one object by id with the given fields
// (at least one), in requests of CollectionSize, and returns them in the
// order of ids; an id with no record (unknown, deleted or hidden) gives a
// nil Record. Errors: EINVALID (INVALID_FIELD, a malformed id),
// EFORBIDDEN, EUNAUTHORIZED.
func (c *Client) RetrieveMany(ctx context.Context, object string, ids []string, fields []string) ([]Record, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, routemap.Errorf(routemap.EINVALID, "retrieve %s: name at least one field", object)
	}
	clean := make([]string, len(ids))
	for i, s := range ids {
		id, err := parseID(s)
		if err != nil {
			return nil, fmt.Errorf("retrieve %s: id %d: %w", object, i+1, err)
		}
		clean[i] = string(id)
	}
	out := make([]Record, 0, len(ids))
	for start := 0; start < len(clean); start += CollectionSize {
		end := min(start+CollectionSize, len(clean))
		// The POST form keeps long id lists out of the URL; it only reads.
		cl, err := jsonCall(http.MethodPost, c.dataPath("composite", "sobjects", object), map[string]any{"ids": clean[start:end], "fields": fields}, retrySafe)
		if err != nil {
			return out, err
		}
		var page []Record
		if err := c.doJSON(ctx, cl, &page); err != nil {
			return out, fmt.Errorf("retrieve %s records %d to %d: %w", object, start+1, end, err)
		}
		if len(page) != end-start {
			return out, fmt.Errorf("retrieve %s records %d to %d: %w", object, start+1, end,
				routemap.Errorf(routemap.EINTERNAL, "the server answered %d records for %d ids", len(page), end-start))
		}
		out = append(out, page...)
	}
	return out, nil
}

// hasID reports whether a record to create carries an id.
func hasID(rec map[string]any) bool {
	for k, v := range rec {
		if strings.EqualFold(k, "Id") && v != nil && v != "" {
			return true
		}
	}
	return false
}
