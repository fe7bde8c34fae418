package sqlite

// Every fixed statement of the store, prepared once at Open. Values are
// always bound parameters; the column lists are constants.

const (
	orgCols     = "id, name, daily_request_limit, created_date"
	userCols    = "id, org_id, username, alias, email, first_name, last_name, is_active, call_center_id, permissions, password_hash, created_date, last_modified_date"
	centerCols  = "id, org_id, name, internal_name, provider, connect_instance_arn, username_template, created_date"
	groupCols   = "id, org_id, name, developer_name, type, created_date"
	appCols     = "id, org_id, name, client_id, secret_hash, run_as_user_id, certificate_pem, created_date"
	sessionCols = "token_hash, org_id, user_id, app_id, issued_at, expires_at"
	mapCols     = "id, org_id, developer_name, language, master_label, call_center_id, external_id, reference_record_id, quick_connect, is_deleted, created_date, created_by_id, last_modified_date, last_modified_by_id"
)

// writeStmt names a statement prepared on the write connection.
type writeStmt int

const (
	stSavepointCall writeStmt = iota
	stRollbackCall
	stReleaseCall
	stSavepointOp
	stRollbackOp
	stReleaseOp
	stSeqAll
	stSeqSet

	stOrgInsert
	stOrgExists

	stCenterInsert
	stCenterExists
	stCenterByInternalName

	stUserInsert
	stUserGet
	stUserUpdate
	stUserByUsername
	stUserExists
	stUserCenter
	stUserCenters

	stGroupInsert
	stGroupExists

	stAppInsert
	stAppByClientID
	stAppExists

	stSessionInsert
	stSessionDelete

	stMapInsert
	stMapGet
	stMapUpdate
	stMapDelete
	stMapByDeveloperName
	stMapByUser
	stMapByExternalID

	numWriteStmts
)

var writeSQL = [numWriteStmts]string{
	stSavepointCall: "SAVEPOINT call",
	stRollbackCall:  "ROLLBACK TO call",
	stReleaseCall:   "RELEASE call",
	stSavepointOp:   "SAVEPOINT op",
	stRollbackOp:    "ROLLBACK TO op",
	stReleaseOp:     "RELEASE op",
	stSeqAll:        "SELECT prefix, next_n FROM sequences",
	stSeqSet:        "UPDATE sequences SET next_n = ? WHERE prefix = ?",

	stOrgInsert: "INSERT INTO orgs (" + orgCols + ") VALUES (?, ?, ?, ?)",
	stOrgExists: "SELECT 1 FROM orgs WHERE id = ?",

	stCenterInsert:         "INSERT INTO call_centers (" + centerCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	stCenterExists:         "SELECT 1 FROM call_centers WHERE org_id = ? AND id = ?",
	stCenterByInternalName: "SELECT id FROM call_centers WHERE org_id = ? AND internal_name = ? COLLATE NOCASE",

	stUserInsert: "INSERT INTO users (" + userCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	stUserGet:    "SELECT " + userCols + " FROM users WHERE org_id = ? AND id = ?",
	stUserUpdate: `UPDATE users SET alias = ?, email = ?, first_name = ?, last_name = ?, is_active = ?,
		call_center_id = ?, permissions = ?, password_hash = ?, last_modified_date = ?
		WHERE org_id = ? AND id = ?`,
	stUserByUsername: "SELECT id FROM users WHERE username = ? COLLATE NOCASE",
	stUserExists:     "SELECT 1 FROM users WHERE org_id = ? AND id = ?",
	stUserCenter:     "SELECT coalesce(call_center_id, '') FROM users WHERE org_id = ? AND id = ?",
	// stUserCenters takes the ids as one JSON array.
	// CROSS JOIN keeps SQLite from scanning the org's users instead.
	stUserCenters: `SELECT u.id, coalesce(u.call_center_id, '') FROM json_each(?2) AS j CROSS JOIN users AS u
		ON u.id = j.value WHERE u.org_id = ?1`,

	stGroupInsert: "INSERT INTO org_groups (" + groupCols + ") VALUES (?, ?, ?, ?, ?, ?)",
	stGroupExists: "SELECT 1 FROM org_groups WHERE org_id = ? AND id = ?",

	stAppInsert:     "INSERT INTO connected_apps (" + appCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	stAppByClientID: "SELECT id FROM connected_apps WHERE client_id = ?",
	stAppExists:     "SELECT 1 FROM connected_apps WHERE org_id = ? AND id = ?",

	stSessionInsert: "INSERT INTO sessions (" + sessionCols + ") VALUES (?, ?, ?, ?, ?, ?)",
	stSessionDelete: "DELETE FROM sessions WHERE token_hash = ?",

	// A new map: not deleted, created and last modified at ?10 by ?11.
	stMapInsert: "INSERT INTO routing_maps (" + mapCols + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11, ?10, ?11)",
	stMapGet:    "SELECT " + mapCols + " FROM routing_maps WHERE org_id = ? AND id = ?",
	stMapUpdate: `UPDATE routing_maps SET developer_name = ?, language = ?, master_label = ?, call_center_id = ?,
		external_id = ?, reference_record_id = ?, quick_connect = ?, last_modified_date = ?, last_modified_by_id = ?
		WHERE org_id = ? AND id = ?`,
	stMapDelete: "UPDATE routing_maps SET is_deleted = 1, last_modified_date = ?, last_modified_by_id = ? WHERE org_id = ? AND id = ?",
	// The lookups below name the conflicting map after a unique index
	// refused a write; each repeats its index's WHERE so it can use it.
	stMapByDeveloperName: "SELECT id FROM routing_maps WHERE org_id = ? AND developer_name = ? COLLATE NOCASE AND is_deleted = 0 AND id <> ? ORDER BY id LIMIT 1",
	stMapByUser: `SELECT id FROM routing_maps WHERE call_center_id = ? AND reference_record_id = ?
		AND is_deleted = 0 AND substr(reference_record_id, 1, 3) = '005' AND id <> ? ORDER BY id LIMIT 1`,
	stMapByExternalID: "SELECT id FROM routing_maps WHERE call_center_id = ? AND external_id = ? AND is_deleted = 0 AND id <> ? ORDER BY id LIMIT 1",
}

// readStmt names a statement prepared on the read pool.
type readStmt int

const (
	rsOrg readStmt = iota
	rsUser
	rsUserByUsername
	rsUsers
	rsUsersByCenter
	rsCenter
	rsCenters
	rsGroup
	rsAppByClientID
	rsSession
	rsMap

	numReadStmts
)

var readSQL = [numReadStmts]string{
	rsOrg:            "SELECT " + orgCols + " FROM orgs WHERE id = ?",
	rsUser:           "SELECT " + userCols + " FROM users WHERE org_id = ? AND id = ?",
	rsUserByUsername: "SELECT " + userCols + " FROM users WHERE username = ? COLLATE NOCASE",
	rsUsers:          "SELECT " + userCols + " FROM users WHERE org_id = ? ORDER BY id",
	rsUsersByCenter:  "SELECT " + userCols + " FROM users WHERE org_id = ? AND call_center_id = ? ORDER BY id",
	rsCenter:         "SELECT " + centerCols + " FROM call_centers WHERE org_id = ? AND id = ?",
	rsCenters:        "SELECT " + centerCols + " FROM call_centers WHERE org_id = ? ORDER BY id",
	rsGroup:          "SELECT " + groupCols + " FROM org_groups WHERE org_id = ? AND id = ?",
	rsAppByClientID:  "SELECT " + appCols + " FROM connected_apps WHERE client_id = ?",
	rsSession:        "SELECT " + sessionCols + " FROM sessions WHERE token_hash = ?",
	rsMap:            "SELECT " + mapCols + " FROM routing_maps WHERE org_id = ? AND id = ?",
}
