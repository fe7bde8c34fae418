package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"routemap"
	"routemap/sfid"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// collect reads every row of a query with scan, closing rows; err is the
// query's. what names the rows in errors ("list users: …").
func collect[T any](rows *sql.Rows, err error, what string, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	return out, nil
}

// CreateOrg stores a new org and sets its ID and CreatedDate.
func (s *Store) CreateOrg(ctx context.Context, org *routemap.Org) error {
	if !org.ID.IsZero() {
		return idSpecified()
	}
	in := *org
	var out routemap.Org
	err := s.write(ctx, func(w *wtx) error {
		id, err := w.mint(sfid.PrefixOrganization)
		if err != nil {
			return err
		}
		now := w.s.stamp()
		if _, err := w.exec(stOrgInsert, string(id), in.Name, in.DailyRequestLimit, toMillis(now)); err != nil {
			return fmt.Errorf("insert org: %w", err)
		}
		out = in
		out.ID, out.CreatedDate = id, now
		return nil
	})
	if err != nil {
		return err
	}
	*org = out
	return nil
}

// FindOrg returns an org. ENOTFOUND.
func (s *Store) FindOrg(ctx context.Context, id sfid.ID) (*routemap.Org, error) {
	var o routemap.Org
	var oid string
	var created int64
	err := s.rstmt[rsOrg].QueryRowContext(ctx, string(id)).Scan(&oid, &o.Name, &o.DailyRequestLimit, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Organization", id)
	} else if err != nil {
		return nil, fmt.Errorf("find org: %w", err)
	}
	o.ID, o.CreatedDate = sfid.ID(oid), fromMillis(created)
	return &o, nil
}

// CreateUser stores a new user and sets its ID, CreatedDate and
// LastModifiedDate. ENOTFOUND for an unknown org; ECONFLICT
// (ReasonDuplicateUsername) when the username is taken in any org, ignoring
// case; EINVALID (ReasonReferenceNotFound) when CallCenterID is not a
// contact center of the org.
func (s *Store) CreateUser(ctx context.Context, u *routemap.User) error {
	if !u.ID.IsZero() {
		return idSpecified()
	}
	in := *u
	var out routemap.User
	err := s.write(ctx, func(w *wtx) error {
		var err error
		out, err = w.createUser(in)
		return err
	})
	if err != nil {
		return err
	}
	*u = out
	return nil
}

// CreateUsers stores users in one transaction, each as CreateUser would;
// the first error stores none of them.
func (s *Store) CreateUsers(ctx context.Context, users []*routemap.User) error {
	in := make([]routemap.User, len(users))
	for i, u := range users {
		if !u.ID.IsZero() {
			return idSpecified()
		}
		in[i] = *u
	}
	out := make([]routemap.User, len(in))
	err := s.writeOps(ctx, len(in), func(w *wtx) error {
		for i := range in {
			u, err := w.createUser(in[i])
			if err != nil {
				return fmt.Errorf("user %d (%s): %w", i+1, in[i].Username, err)
			}
			out[i] = u
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, u := range users {
		*u = out[i]
	}
	return nil
}

// createUser inserts one user inside a write.
func (w *wtx) createUser(in routemap.User) (routemap.User, error) {
	if err := w.checkOrg(in.OrgID); err != nil {
		return in, err
	}
	if err := w.checkCenter(in.OrgID, in.CallCenterID); err != nil {
		return in, err
	}
	id, err := w.mint(sfid.PrefixUser)
	if err != nil {
		return in, err
	}
	now := w.s.stamp()
	_, err = w.exec(stUserInsert, string(id), string(in.OrgID), in.Username, in.Alias, in.Email,
		nullString(in.FirstName), in.LastName, boolInt(in.IsActive), nullID(in.CallCenterID), int64(in.Permissions),
		in.PasswordHash, toMillis(now), toMillis(now))
	if isUniqueViolation(err) {
		var other string
		if w.queryRow(stUserByUsername, in.Username).Scan(&other) == nil {
			return in, &routemap.Error{Code: routemap.ECONFLICT, Reason: routemap.ReasonDuplicateUsername,
				Message: msgDuplicateUsername, Fields: []string{"Username"}}
		}
	}
	if err != nil {
		return in, fmt.Errorf("insert user: %w", err)
	}
	out := in
	out.ID, out.CreatedDate, out.LastModifiedDate = id, now, now
	return out, nil
}

// checkCenter is nil when center is zero or a contact center of org.
func (w *wtx) checkCenter(org, center sfid.ID) error {
	if center.IsZero() {
		return nil
	}
	ok, err := w.centerExists(org, center)
	if err != nil {
		return err
	}
	if !ok {
		return referenceNotFound(routemap.FieldCallCenterID)
	}
	return nil
}

// centerExists reports whether org holds the contact center. A center
// found is remembered for the group: contact centers are never deleted.
// One not found is asked again, as a later call of the group may create it.
func (w *wtx) centerExists(org, center sfid.ID) (bool, error) {
	key := [2]sfid.ID{org, center}
	if w.centers[key] {
		return true, nil
	}
	ok, err := w.exists(stCenterExists, string(org), string(center))
	if err != nil {
		return false, fmt.Errorf("find contact center: %w", err)
	}
	if ok {
		if w.centers == nil {
			w.centers = make(map[[2]sfid.ID]bool, 2)
		}
		w.centers[key] = true
	}
	return ok, nil
}

func scanUser(sc scanner) (*routemap.User, error) {
	var u routemap.User
	var id, org string
	var first, center sql.NullString
	var perms, created, modified int64
	if err := sc.Scan(&id, &org, &u.Username, &u.Alias, &u.Email, &first, &u.LastName, &u.IsActive,
		&center, &perms, &u.PasswordHash, &created, &modified); err != nil {
		return nil, err
	}
	u.ID, u.OrgID, u.FirstName, u.CallCenterID = sfid.ID(id), sfid.ID(org), first.String, sfid.ID(center.String)
	u.Permissions = routemap.Permissions(perms)
	u.CreatedDate, u.LastModifiedDate = fromMillis(created), fromMillis(modified)
	return &u, nil
}

// FindUser returns a user of the org. ENOTFOUND.
func (s *Store) FindUser(ctx context.Context, org, id sfid.ID) (*routemap.User, error) {
	u, err := scanUser(s.rstmt[rsUser].QueryRowContext(ctx, string(org), string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("User", id)
	} else if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return u, nil
}

// FindUserByUsername looks a user up across orgs, ignoring the case of
// the username, for login. ENOTFOUND.
func (s *Store) FindUserByUsername(ctx context.Context, username string) (*routemap.User, error) {
	u, err := scanUser(s.rstmt[rsUserByUsername].QueryRowContext(ctx, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &routemap.Error{Code: routemap.ENOTFOUND, Message: "no user with username " + username, Fields: []string{"Username"}}
	} else if err != nil {
		return nil, fmt.Errorf("find user by username: %w", err)
	}
	return u, nil
}

// UpdateUser applies upd and returns the user as stored, with
// LastModifiedDate set. ENOTFOUND; EINVALID (ReasonReferenceNotFound) for
// a contact center the org does not hold.
func (s *Store) UpdateUser(ctx context.Context, org, id sfid.ID, upd routemap.UserUpdate) (*routemap.User, error) {
	upd = copyUserUpdate(upd)
	var out *routemap.User
	err := s.write(ctx, func(w *wtx) error {
		u, err := scanUser(w.queryRow(stUserGet, string(org), string(id)))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("User", id)
		} else if err != nil {
			return fmt.Errorf("find user: %w", err)
		}
		if upd.CallCenterID != nil {
			if err := w.checkCenter(org, *upd.CallCenterID); err != nil {
				return err
			}
			u.CallCenterID = *upd.CallCenterID
		}
		if upd.IsActive != nil {
			u.IsActive = *upd.IsActive
		}
		if upd.Alias != nil {
			u.Alias = *upd.Alias
		}
		if upd.Email != nil {
			u.Email = *upd.Email
		}
		if upd.FirstName != nil {
			u.FirstName = *upd.FirstName
		}
		if upd.LastName != nil {
			u.LastName = *upd.LastName
		}
		if upd.Permissions != nil {
			u.Permissions = *upd.Permissions
		}
		if upd.PasswordHash != nil {
			u.PasswordHash = *upd.PasswordHash
		}
		u.LastModifiedDate = w.s.stamp()
		if _, err := w.exec(stUserUpdate, u.Alias, u.Email, nullString(u.FirstName), u.LastName, boolInt(u.IsActive),
			nullID(u.CallCenterID), int64(u.Permissions), u.PasswordHash, toMillis(u.LastModifiedDate),
			string(org), string(id)); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		out = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// copyUserUpdate copies the values upd points at, so that the writer never
// reads memory the caller still owns.
func copyUserUpdate(upd routemap.UserUpdate) routemap.UserUpdate {
	if upd.CallCenterID != nil {
		v := *upd.CallCenterID
		upd.CallCenterID = &v
	}
	if upd.IsActive != nil {
		v := *upd.IsActive
		upd.IsActive = &v
	}
	if upd.Alias != nil {
		v := *upd.Alias
		upd.Alias = &v
	}
	if upd.Email != nil {
		v := *upd.Email
		upd.Email = &v
	}
	if upd.FirstName != nil {
		v := *upd.FirstName
		upd.FirstName = &v
	}
	if upd.LastName != nil {
		v := *upd.LastName
		upd.LastName = &v
	}
	if upd.Permissions != nil {
		v := *upd.Permissions
		upd.Permissions = &v
	}
	if upd.PasswordHash != nil {
		v := *upd.PasswordHash
		upd.PasswordHash = &v
	}
	return upd
}

// ListUsers returns the org's users in a contact center (every user of
// the org when center is zero), ordered by id. A center the org does not
// hold has no users.
func (s *Store) ListUsers(ctx context.Context, org, center sfid.ID) ([]*routemap.User, error) {
	var rows *sql.Rows
	var err error
	if center.IsZero() {
		rows, err = s.rstmt[rsUsers].QueryContext(ctx, string(org))
	} else {
		rows, err = s.rstmt[rsUsersByCenter].QueryContext(ctx, string(org), string(center))
	}
	return collect(rows, err, "users", scanUser)
}

// CreateCallCenter stores a new contact center and sets its ID and
// CreatedDate. ENOTFOUND for an unknown org; ECONFLICT
// (ReasonDuplicateValue) when InternalName is taken in the org, ignoring
// case.
func (s *Store) CreateCallCenter(ctx context.Context, cc *routemap.CallCenter) error {
	if !cc.ID.IsZero() {
		return idSpecified()
	}
	in := *cc
	var out routemap.CallCenter
	err := s.write(ctx, func(w *wtx) error {
		if err := w.checkOrg(in.OrgID); err != nil {
			return err
		}
		id, err := w.mint(sfid.PrefixCallCenter)
		if err != nil {
			return err
		}
		now := w.s.stamp()
		_, err = w.exec(stCenterInsert, string(id), string(in.OrgID), in.Name, in.InternalName,
			nullString(string(in.Provider)), nullString(in.ConnectInstanceARN), nullString(in.UsernameTemplate), toMillis(now))
		if isUniqueViolation(err) {
			var other string
			if w.queryRow(stCenterByInternalName, string(in.OrgID), in.InternalName).Scan(&other) == nil {
				return duplicate(routemap.ReasonDuplicateValue, "InternalName", sfid.ID(other))
			}
		}
		if err != nil {
			return fmt.Errorf("insert contact center: %w", err)
		}
		out = in
		out.ID, out.CreatedDate = id, now
		return nil
	})
	if err != nil {
		return err
	}
	*cc = out
	return nil
}

func scanCenter(sc scanner) (*routemap.CallCenter, error) {
	var c routemap.CallCenter
	var id, org string
	var provider, arn, tmpl sql.NullString
	var created int64
	if err := sc.Scan(&id, &org, &c.Name, &c.InternalName, &provider, &arn, &tmpl, &created); err != nil {
		return nil, err
	}
	c.ID, c.OrgID, c.Provider = sfid.ID(id), sfid.ID(org), routemap.Provider(provider.String)
	c.ConnectInstanceARN, c.UsernameTemplate, c.CreatedDate = arn.String, tmpl.String, fromMillis(created)
	return &c, nil
}

// FindCallCenter returns a contact center of the org. ENOTFOUND.
func (s *Store) FindCallCenter(ctx context.Context, org, id sfid.ID) (*routemap.CallCenter, error) {
	c, err := scanCenter(s.rstmt[rsCenter].QueryRowContext(ctx, string(org), string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("CallCenter", id)
	} else if err != nil {
		return nil, fmt.Errorf("find contact center: %w", err)
	}
	return c, nil
}

// ListCallCenters returns the org's contact centers ordered by id.
func (s *Store) ListCallCenters(ctx context.Context, org sfid.ID) ([]*routemap.CallCenter, error) {
	rows, err := s.rstmt[rsCenters].QueryContext(ctx, string(org))
	return collect(rows, err, "contact centers", scanCenter)
}

// CreateGroup stores a new group or queue and sets its ID and
// CreatedDate. ENOTFOUND for an unknown org.
func (s *Store) CreateGroup(ctx context.Context, g *routemap.Group) error {
	if !g.ID.IsZero() {
		return idSpecified()
	}
	in := *g
	var out routemap.Group
	err := s.write(ctx, func(w *wtx) error {
		if err := w.checkOrg(in.OrgID); err != nil {
			return err
		}
		id, err := w.mint(sfid.PrefixGroup)
		if err != nil {
			return err
		}
		now := w.s.stamp()
		if _, err := w.exec(stGroupInsert, string(id), string(in.OrgID), in.Name, in.DeveloperName, in.Type, toMillis(now)); err != nil {
			return fmt.Errorf("insert group: %w", err)
		}
		out = in
		out.ID, out.CreatedDate = id, now
		return nil
	})
	if err != nil {
		return err
	}
	*g = out
	return nil
}

// FindGroup returns a group of the org. ENOTFOUND.
func (s *Store) FindGroup(ctx context.Context, org, id sfid.ID) (*routemap.Group, error) {
	var g routemap.Group
	var gid, gorg string
	var created int64
	err := s.rstmt[rsGroup].QueryRowContext(ctx, string(org), string(id)).Scan(&gid, &gorg, &g.Name, &g.DeveloperName, &g.Type, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Group", id)
	} else if err != nil {
		return nil, fmt.Errorf("find group: %w", err)
	}
	g.ID, g.OrgID, g.CreatedDate = sfid.ID(gid), sfid.ID(gorg), fromMillis(created)
	return &g, nil
}

// CreateConnectedApp stores an OAuth client and sets its ID and
// CreatedDate. ENOTFOUND for an unknown org; ECONFLICT
// (ReasonDuplicateValue) when the client id is taken in any org (client ids
// compare exactly); EINVALID (ReasonReferenceNotFound) when RunAsUserID is
// set and is not a user of the org.
func (s *Store) CreateConnectedApp(ctx context.Context, app *routemap.ConnectedApp) error {
	if !app.ID.IsZero() {
		return idSpecified()
	}
	in := *app
	var out routemap.ConnectedApp
	err := s.write(ctx, func(w *wtx) error {
		if err := w.checkOrg(in.OrgID); err != nil {
			return err
		}
		if !in.RunAsUserID.IsZero() {
			if ok, err := w.exists(stUserExists, string(in.OrgID), string(in.RunAsUserID)); err != nil {
				return fmt.Errorf("find user: %w", err)
			} else if !ok {
				return referenceNotFound("RunAsUserId")
			}
		}
		id, err := w.mint(sfid.PrefixConnectedApp)
		if err != nil {
			return err
		}
		now := w.s.stamp()
		_, err = w.exec(stAppInsert, string(id), string(in.OrgID), in.Name, in.ClientID, in.SecretHash,
			nullID(in.RunAsUserID), in.CertificatePEM, toMillis(now))
		if isUniqueViolation(err) {
			var other string
			if w.queryRow(stAppByClientID, in.ClientID).Scan(&other) == nil {
				return duplicate(routemap.ReasonDuplicateValue, "ClientId", sfid.ID(other))
			}
		}
		if err != nil {
			return fmt.Errorf("insert connected app: %w", err)
		}
		out = in
		out.ID, out.CreatedDate = id, now
		return nil
	})
	if err != nil {
		return err
	}
	*app = out
	return nil
}

// FindConnectedAppByClientID looks an app up by consumer key, which must
// match exactly. ENOTFOUND.
func (s *Store) FindConnectedAppByClientID(ctx context.Context, clientID string) (*routemap.ConnectedApp, error) {
	var a routemap.ConnectedApp
	var id, org string
	var runAs sql.NullString
	var created int64
	err := s.rstmt[rsAppByClientID].QueryRowContext(ctx, clientID).Scan(&id, &org, &a.Name, &a.ClientID,
		&a.SecretHash, &runAs, &a.CertificatePEM, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &routemap.Error{Code: routemap.ENOTFOUND, Message: "no connected app with client id " + clientID}
	} else if err != nil {
		return nil, fmt.Errorf("find connected app: %w", err)
	}
	a.ID, a.OrgID, a.RunAsUserID, a.CreatedDate = sfid.ID(id), sfid.ID(org), sfid.ID(runAs.String), fromMillis(created)
	return &a, nil
}

// CreateSession stores an issued token's hash. IssuedAt and ExpiresAt are
// kept as given, at millisecond precision. EINVALID
// (ReasonReferenceNotFound) when UserID or AppID is not a record of the
// org; ECONFLICT (ReasonDuplicateValue) when the hash is already stored.
func (s *Store) CreateSession(ctx context.Context, sess *routemap.Session) error {
	in := *sess
	err := s.write(ctx, func(w *wtx) error {
		if ok, err := w.exists(stUserExists, string(in.OrgID), string(in.UserID)); err != nil {
			return fmt.Errorf("find user: %w", err)
		} else if !ok {
			return referenceNotFound("UserId")
		}
		if !in.AppID.IsZero() {
			if ok, err := w.exists(stAppExists, string(in.OrgID), string(in.AppID)); err != nil {
				return fmt.Errorf("find connected app: %w", err)
			} else if !ok {
				return referenceNotFound("AppId")
			}
		}
		_, err := w.exec(stSessionInsert, in.TokenHash, string(in.OrgID), string(in.UserID), nullID(in.AppID),
			toMillis(in.IssuedAt), toMillis(in.ExpiresAt))
		if isUniqueViolation(err) {
			return &routemap.Error{Code: routemap.ECONFLICT, Reason: routemap.ReasonDuplicateValue,
				Message: "duplicate value found: TokenHash", Fields: []string{"TokenHash"}}
		}
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sess.IssuedAt, sess.ExpiresAt = fromMillis(toMillis(in.IssuedAt)), fromMillis(toMillis(in.ExpiresAt))
	return nil
}

// FindSession returns the session with that token hash, expired or not;
// the caller checks ExpiresAt. ENOTFOUND.
func (s *Store) FindSession(ctx context.Context, tokenHash string) (*routemap.Session, error) {
	var se routemap.Session
	var org, user string
	var app sql.NullString
	var issued, expires int64
	err := s.rstmt[rsSession].QueryRowContext(ctx, tokenHash).Scan(&se.TokenHash, &org, &user, &app, &issued, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &routemap.Error{Code: routemap.ENOTFOUND, Message: "session not found"}
	} else if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	se.OrgID, se.UserID, se.AppID = sfid.ID(org), sfid.ID(user), sfid.ID(app.String)
	se.IssuedAt, se.ExpiresAt = fromMillis(issued), fromMillis(expires)
	return &se, nil
}

// DeleteSession revokes a token. Deleting an unknown hash is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.write(ctx, func(w *wtx) error {
		if _, err := w.exec(stSessionDelete, tokenHash); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return nil
	})
}
