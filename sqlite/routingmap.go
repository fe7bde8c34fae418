package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"routemap"
	"routemap/sfid"
)

const objectRoutingMap = routemap.ObjectRoutingMap

func scanMap(sc scanner) (*routemap.RoutingMap, error) {
	var m routemap.RoutingMap
	var id, org, center, ref string
	var quick, createdBy, modifiedBy sql.NullString
	var deleted, created, modified int64
	if err := sc.Scan(&id, &org, &m.DeveloperName, &m.Language, &m.MasterLabel, &center, &m.ExternalID, &ref,
		&quick, &deleted, &created, &createdBy, &modified, &modifiedBy); err != nil {
		return nil, err
	}
	m.ID, m.CallCenterID, m.ReferenceRecordID = sfid.ID(id), sfid.ID(center), sfid.ID(ref)
	m.QuickConnect, m.IsDeleted = quick.String, deleted != 0
	m.CreatedDate, m.CreatedByID = fromMillis(created), sfid.ID(createdBy.String)
	m.LastModifiedDate, m.LastModifiedByID = fromMillis(modified), sfid.ID(modifiedBy.String)
	return &m, nil
}

// FindRoutingMap returns a routing map of the org. ENOTFOUND, also for a
// deleted map (with ReasonDeleted) unless includeDeleted.
func (s *Store) FindRoutingMap(ctx context.Context, org, id sfid.ID, includeDeleted bool) (*routemap.RoutingMap, error) {
	m, gen := s.maps.get(org, id)
	if m != nil {
		return m, nil
	}
	m, err := scanMap(s.rstmt[rsMap].QueryRowContext(ctx, string(org), string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(objectRoutingMap, id)
	} else if err != nil {
		return nil, fmt.Errorf("find routing map: %w", err)
	}
	if m.IsDeleted && !includeDeleted {
		return nil, &routemap.Error{Code: routemap.ENOTFOUND, Reason: routemap.ReasonDeleted, Message: msgDeleted, Fields: []string{"Id"}}
	}
	if !m.IsDeleted {
		s.maps.put(m, org, gen)
	}
	return m, nil
}

// errRollback makes the writer roll an allOrNone call back; the call's
// results are already set.
var errRollback = errors.New("all-or-none call rolled back")

// ApplyRoutingMaps performs ops in order, in one transaction, as actor,
// and returns one result per op. A create's result holds the new id and
// Created; an update's or delete's result holds the op's id, whatever the
// outcome. Each rejected op's Err is a *routemap.Error:
//   - EINVALID with ReasonReferenceNotFound ("invalid cross reference id")
//     or ReasonNotMember, or without a reason for an op the store cannot
//     perform (an Id on a create, an unknown or read-only update field);
//   - ECONFLICT with ReasonDuplicateDeveloperName, ReasonDuplicateUser or
//     ReasonDuplicateExternalID, naming the map that holds the value;
//   - ENOTFOUND for an update or delete of an id the org does not hold,
//     with ReasonDeleted when the map is deleted.
//
// With allOrNone the first rejected op stops the call: nothing is stored,
// that op keeps its error and every other op gets EINVALID with
// ReasonRolledBack. Without it every op stands alone. The error return is
// only for faults of the store.
func (s *Store) ApplyRoutingMaps(ctx context.Context, org, actor sfid.ID, ops []routemap.RoutingMapOp, allOrNone bool) ([]routemap.OpResult, error) {
	in := make([]routemap.RoutingMapOp, len(ops))
	for i, op := range ops {
		in[i] = op
		in[i].Fields = slices.Clone(op.Fields)
	}
	var out []routemap.OpResult
	err := s.writeOps(ctx, len(in), func(w *wtx) error {
		a := &applier{w: w, org: org, actor: actor, now: w.s.stamp()}
		if err := a.loadUsers(in); err != nil {
			return err
		}
		results := make([]routemap.OpResult, len(in))
		for i := range in {
			res, err := a.apply(&in[i])
			if err != nil {
				return err
			}
			results[i] = res
			if res.Err != nil && allOrNone {
				for j := range results {
					if j != i {
						results[j] = rolledBack(&in[j])
					}
				}
				out = results
				return errRollback
			}
		}
		out = results
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	return out, nil
}

func rolledBack(op *routemap.RoutingMapOp) routemap.OpResult {
	res := routemap.OpResult{Err: &routemap.Error{Code: routemap.EINVALID, Reason: routemap.ReasonRolledBack, Message: msgRolledBack}}
	if op.Kind != routemap.OpCreate {
		res.ID = op.Map.ID
	}
	return res
}

// applier performs the ops of one ApplyRoutingMaps call.
type applier struct {
	w     *wtx
	org   sfid.ID
	actor sfid.ID
	now   time.Time
	// users remembers the contact center of each user the org holds (""
	// for none), for the length of the call, which does not change them.
	users map[sfid.ID]string
}

// loadUsers reads, with one query, the contact center of every user the
// ops reference, so that check need not look them up one by one. Users
// the org does not hold stay out of a.users.
func (a *applier) loadUsers(ops []routemap.RoutingMapOp) error {
	var ids []string
	for i := range ops {
		if op := &ops[i]; op.Kind != routemap.OpDelete && op.Map.ReferenceRecordID.Prefix() == sfid.PrefixUser {
			ids = append(ids, string(op.Map.ReferenceRecordID))
		}
	}
	a.users = make(map[sfid.ID]string, len(ids))
	if len(ids) < 4 {
		return nil // point lookups are cheaper
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := a.w.stmt(stUserCenters).QueryContext(a.w.ctx, string(a.org), string(list))
	if err != nil {
		return fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, center string
		if err := rows.Scan(&id, &center); err != nil {
			return fmt.Errorf("find users: %w", err)
		}
		a.users[sfid.ID(id)] = center
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find users: %w", err)
	}
	return nil
}

// userCenter returns the contact center of a user of the org ("" for
// none) and whether the org holds the user.
func (a *applier) userCenter(id sfid.ID) (sfid.ID, bool, error) {
	if center, ok := a.users[id]; ok {
		return sfid.ID(center), true, nil
	}
	var center string
	err := a.w.queryRow(stUserCenter, string(a.org), string(id)).Scan(&center)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("find user: %w", err)
	}
	a.users[id] = center
	return sfid.ID(center), true, nil
}

// apply performs one op. A rejected op is reported in the result; the
// error is a fault of the store. Every op writes with one statement, which
// SQLite undoes on its own when it fails, so a rejected op leaves nothing
// behind and needs no savepoint of its own.
func (a *applier) apply(op *routemap.RoutingMapOp) (routemap.OpResult, error) {
	switch op.Kind {
	case routemap.OpCreate:
		return a.create(op)
	case routemap.OpUpdate:
		return a.update(op)
	case routemap.OpDelete:
		return a.delete(op)
	}
	return routemap.OpResult{ID: op.Map.ID, Err: routemap.Errorf(routemap.EINVALID, "unknown routing map operation %d", op.Kind)}, nil
}

func (a *applier) create(op *routemap.RoutingMapOp) (routemap.OpResult, error) {
	if !op.Map.ID.IsZero() {
		return routemap.OpResult{Err: idSpecified()}, nil
	}
	m := op.Map
	if m.Language == "" {
		m.Language = routemap.DefaultLanguage
	}
	if e, err := a.check(&m); e != nil || err != nil {
		return routemap.OpResult{Err: e}, err
	}
	id, err := a.w.mint(sfid.PrefixRoutingMap)
	if err != nil {
		return routemap.OpResult{}, err
	}
	ms := toMillis(a.now)
	_, err = a.w.exec(stMapInsert, string(id), string(a.org), m.DeveloperName, m.Language, m.MasterLabel,
		string(m.CallCenterID), m.ExternalID, string(m.ReferenceRecordID), nullString(m.QuickConnect),
		ms, nullID(a.actor))
	if err != nil {
		e, err := a.conflict(&m, "", fmt.Errorf("insert routing map: %w", err))
		return routemap.OpResult{Err: e}, err
	}
	return routemap.OpResult{ID: id, Created: true}, nil
}

func (a *applier) update(op *routemap.RoutingMapOp) (routemap.OpResult, error) {
	res := routemap.OpResult{ID: op.Map.ID}
	m, e, err := a.load(op.Map.ID)
	if e != nil || err != nil {
		res.Err = e
		return res, err
	}
	if e := merge(m, &op.Map, op.Fields); e != nil {
		res.Err = e
		return res, nil
	}
	if m.Language == "" {
		m.Language = routemap.DefaultLanguage
	}
	if e, err := a.check(m); e != nil || err != nil {
		res.Err = e
		return res, err
	}
	a.w.changed = append(a.w.changed, m.ID)
	_, err = a.w.exec(stMapUpdate, m.DeveloperName, m.Language, m.MasterLabel, string(m.CallCenterID), m.ExternalID,
		string(m.ReferenceRecordID), nullString(m.QuickConnect), toMillis(a.now), nullID(a.actor), string(a.org), string(m.ID))
	if err != nil {
		res.Err, err = a.conflict(m, m.ID, fmt.Errorf("update routing map: %w", err))
		return res, err
	}
	return res, nil
}

func (a *applier) delete(op *routemap.RoutingMapOp) (routemap.OpResult, error) {
	res := routemap.OpResult{ID: op.Map.ID}
	m, e, err := a.load(op.Map.ID)
	if e != nil || err != nil {
		res.Err = e
		return res, err
	}
	a.w.changed = append(a.w.changed, m.ID)
	if _, err := a.w.exec(stMapDelete, toMillis(a.now), nullID(a.actor), string(a.org), string(m.ID)); err != nil {
		return res, fmt.Errorf("delete routing map: %w", err)
	}
	return res, nil
}

// load reads the live map id of the org for an update or delete.
func (a *applier) load(id sfid.ID) (*routemap.RoutingMap, *routemap.Error, error) {
	m, err := scanMap(a.w.queryRow(stMapGet, string(a.org), string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &routemap.Error{Code: routemap.ENOTFOUND, Message: msgNotFound, Fields: []string{routemap.FieldID}}, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("find routing map: %w", err)
	}
	if m.IsDeleted {
		return nil, &routemap.Error{Code: routemap.ENOTFOUND, Reason: routemap.ReasonDeleted, Message: msgDeleted, Fields: []string{routemap.FieldID}}, nil
	}
	return m, nil, nil
}

// updatable maps each field an update may set, in any letter case, to its
// API spelling.
var updatable = map[string]string{
	"externalid":        routemap.FieldExternalID,
	"referencerecordid": routemap.FieldReferenceRecordID,
	"callcenterid":      routemap.FieldCallCenterID,
	"developername":     routemap.FieldDeveloperName,
	"quickconnect":      routemap.FieldQuickConnect,
	"masterlabel":       routemap.FieldMasterLabel,
	"language":          routemap.FieldLanguage,
}

// merge copies the named fields of upd over m.
func merge(m, upd *routemap.RoutingMap, fields []string) *routemap.Error {
	for _, f := range fields {
		name, ok := updatable[strings.ToLower(f)]
		if !ok {
			if schemaField(objectRoutingMap, f) {
				return &routemap.Error{Code: routemap.EINVALID, Fields: []string{f},
					Message: "Unable to create/update fields: " + f + ". The field is read-only."}
			}
			return &routemap.Error{Code: routemap.EINVALID, Fields: []string{f},
				Message: "No such column '" + f + "' on sobject of type " + objectRoutingMap}
		}
		switch name {
		case routemap.FieldExternalID:
			m.ExternalID = upd.ExternalID
		case routemap.FieldReferenceRecordID:
			m.ReferenceRecordID = upd.ReferenceRecordID
		case routemap.FieldCallCenterID:
			m.CallCenterID = upd.CallCenterID
		case routemap.FieldDeveloperName:
			m.DeveloperName = upd.DeveloperName
		case routemap.FieldQuickConnect:
			m.QuickConnect = upd.QuickConnect
		case routemap.FieldMasterLabel:
			m.MasterLabel = upd.MasterLabel
		case routemap.FieldLanguage:
			m.Language = upd.Language
		}
	}
	return nil
}

// check applies the rules that read the org's records: the contact center
// and the referenced user or group exist in the org, and a user is a
// member of the contact center. Uniqueness is left to the unique indexes.
func (a *applier) check(m *routemap.RoutingMap) (*routemap.Error, error) {
	ok, err := a.w.centerExists(a.org, m.CallCenterID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return referenceNotFound(routemap.FieldCallCenterID), nil
	}
	switch m.ReferenceRecordID.Prefix() {
	case sfid.PrefixUser:
		center, ok, err := a.userCenter(m.ReferenceRecordID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return referenceNotFound(routemap.FieldReferenceRecordID), nil
		}
		if center != m.CallCenterID {
			return &routemap.Error{Code: routemap.EINVALID, Reason: routemap.ReasonNotMember,
				Fields: []string{routemap.FieldReferenceRecordID, routemap.FieldCallCenterID},
				Message: fmt.Sprintf("User %s is not a member of contact center %s: add the user to the contact center first (PATCH /sobjects/User/%s with CallCenterId)",
					m.ReferenceRecordID, m.CallCenterID, m.ReferenceRecordID)}, nil
		}
	case sfid.PrefixGroup:
		ok, err := a.w.exists(stGroupExists, string(a.org), string(m.ReferenceRecordID))
		if err != nil {
			return nil, fmt.Errorf("find group: %w", err)
		}
		if !ok {
			return referenceNotFound(routemap.FieldReferenceRecordID), nil
		}
	default:
		return referenceNotFound(routemap.FieldReferenceRecordID), nil
	}
	return nil, nil
}

// conflict turns a write refused by a unique index into the error of the
// first rule, in RoutingMapOp's order, that another live map breaks. self
// is the map being updated (zero for a create). Any other failure is a
// fault, returned as it is.
func (a *applier) conflict(m *routemap.RoutingMap, self sfid.ID, err error) (*routemap.Error, error) {
	if !isUniqueViolation(err) {
		return nil, err
	}
	type rule struct {
		applies bool
		stmt    writeStmt
		args    []any
		reason  string
		fields  []string
	}
	rules := []rule{
		{true, stMapByDeveloperName, []any{string(a.org), m.DeveloperName, string(self)},
			routemap.ReasonDuplicateDeveloperName, []string{routemap.FieldDeveloperName}},
		{m.IsUserMap(), stMapByUser, []any{string(m.CallCenterID), string(m.ReferenceRecordID), string(self)},
			routemap.ReasonDuplicateUser, []string{routemap.FieldReferenceRecordID, routemap.FieldCallCenterID}},
		{true, stMapByExternalID, []any{string(m.CallCenterID), m.ExternalID, string(self)},
			routemap.ReasonDuplicateExternalID, []string{routemap.FieldExternalID, routemap.FieldCallCenterID}},
	}
	for _, r := range rules {
		if !r.applies {
			continue
		}
		var id string
		switch ferr := a.w.queryRow(r.stmt, r.args...).Scan(&id); {
		case errors.Is(ferr, sql.ErrNoRows):
			continue
		case ferr != nil:
			return nil, fmt.Errorf("find conflicting routing map: %w", ferr)
		}
		return duplicate(r.reason, r.fields[0], sfid.ID(id), r.fields[1:]...), nil
	}
	return nil, err
}
