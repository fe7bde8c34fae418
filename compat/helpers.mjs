// Shared helpers for the compatibility suite. Not a test file: node --test
// only runs *.test.mjs. See README.md for the contract with `routemap serve`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// jsforce 3 is CommonJS; its default export is the namespace with Connection, OAuth2.
export const jsforce = require('jsforce');

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SF_BIN = path.join(HERE, 'node_modules', '.bin', 'sf');
export const OBJECT = 'CallCenterRoutingMap';

// --- demo credentials -------------------------------------------------------

let cached;
/** creds returns demo-credentials.json written by `routemap serve --demo`. */
export function creds() {
  if (cached) return cached;
  const file = process.env.ROUTEMAP_CREDENTIALS;
  if (!file) throw new Error('ROUTEMAP_CREDENTIALS is not set; run the suite with compat/run.sh');
  const c = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const k of ['instance_url', 'org_id', 'call_center_id', 'connect_instance_arn', 'admin_username', 'admin_password',
    'viewer_username', 'viewer_password', 'client_id', 'client_secret', 'api_version', 'rep_user_ids', 'non_member_user_ids']) {
    assert.ok(c[k] !== undefined && c[k] !== '', `demo-credentials.json lacks ${k}`);
  }
  c.instance_url = String(c.instance_url);
  cached = c;
  return c;
}

// --- Salesforce ids -------------------------------------------------------------

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
/** to18 adds the case-checksum suffix to a 15-character id. */
export function to18(id15) {
  assert.equal(id15.length, 15);
  let s = '';
  for (let c = 0; c < 3; c++) {
    let n = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15[c * 5 + i];
      if (ch >= 'A' && ch <= 'Z') n |= 1 << i;
    }
    s += SUFFIX[n];
  }
  return id15 + s;
}
/**
 * missingId returns a well-formed routing map id (the object's key prefix,
 * a valid checksum) that no server hands out.
 */
export async function missingId() {
  const { keyPrefix } = await (await admin()).sobject(OBJECT).describe$();
  return to18(`${keyPrefix}ZZ0999999999`);
}
export const ID18 = /^[a-zA-Z0-9]{15}[A-Z0-5]{3}$/;
/** The shape every API datetime has, e.g. 2024-05-01T12:34:56.000+0000. */
export const SF_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;

/**
 * ACCESS_TOKEN_RE is the test the sf CLI applies before `sf org login
 * access-token` sends anything (@salesforce/core lib/util/sfdc.js
 * accessTokenRegex, unanchored in sf). Tokens that fail it are refused.
 */
export const SF_ACCESS_TOKEN_RE = /(00D\w{12,15})![.\w]*/;

// --- unique values --------------------------------------------------------------

/** developerName is the help article's DeveloperName for a user map. */
export const developerName = (userId) => `User_${userId}_${creds().call_center_id}`;
/** agentArn is a fresh Amazon Connect agent ARN inside the demo instance. */
export const agentArn = () => `${creds().connect_instance_arn}/agent/${crypto.randomUUID()}`;

/** mapFor returns the fields of a conventional routing map for a user. */
export function mapFor(userId, extra = {}) {
  return {
    ExternalId: agentArn(),
    ReferenceRecordId: userId,
    CallCenterId: creds().call_center_id,
    DeveloperName: developerName(userId),
    MasterLabel: userId,
    QuickConnect: crypto.randomUUID(),
    ...extra,
  };
}

// --- connections ------------------------------------------------------------------

export const oauth2Config = () => ({ clientId: creds().client_id, clientSecret: creds().client_secret, loginUrl: creds().instance_url });

/** login returns a jsforce Connection after the OAuth2 password grant. */
export async function login(who = 'admin') {
  const c = creds();
  const conn = new jsforce.Connection({ oauth2: oauth2Config(), version: c.api_version });
  await conn.login(c[`${who}_username`], c[`${who}_password`]);
  return conn;
}

let adminConn;
/** admin returns a shared, logged-in admin connection for setup and cleanup. */
export async function admin() {
  adminConn ??= await login('admin');
  return adminConn;
}

/** tokenFor runs the password grant with fetch and returns the token response. */
export async function tokenFor(who = 'admin', extra = {}) {
  const c = creds();
  const res = await fetch(`${c.instance_url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'password', client_id: c.client_id, client_secret: c.client_secret,
      username: c[`${who}_username`], password: c[`${who}_password`], ...extra,
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, `token endpoint: ${JSON.stringify(body)}`);
  return body;
}

/**
 * raw sends one HTTP request to the server without any client library and
 * returns status, headers and the parsed body (JSON when the server says so).
 */
export async function raw(method, urlPath, { token, body, headers = {} } = {}) {
  const url = /^https?:/.test(urlPath) ? urlPath : `${creds().instance_url}${urlPath}`;
  const h = { accept: 'application/json', ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string') {
    payload = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  const ctype = res.headers.get('content-type') || '';
  let json;
  if (/^application\/json/i.test(ctype) && text) {
    try { json = JSON.parse(text); } catch { /* left undefined; assertions report text */ }
  }
  return { status: res.status, headers: res.headers, ctype, text, json };
}

export const apiPath = (rest) => `/services/data/v${creds().api_version}${rest}`;

/**
 * assertSfError checks a single-record REST error: the status, a JSON
 * content type, and the Salesforce error array whose first entry carries
 * errorCode and message. code may be a string or a RegExp.
 */
export function assertSfError(r, status, code, what = '') {
  const ctx = `${what} -> ${r.status} ${r.ctype} ${r.text.slice(0, 500)}`;
  if (Array.isArray(status)) assert.ok(status.includes(r.status), `status ${ctx}`);
  else assert.equal(r.status, status, `status ${ctx}`);
  assert.match(r.ctype, /^application\/json/i, `content type ${ctx}`);
  assert.ok(Array.isArray(r.json) && r.json.length >= 1, `error array ${ctx}`);
  const e = r.json[0];
  assert.equal(typeof e.message, 'string', `message ${ctx}`);
  assert.equal(typeof e.errorCode, 'string', `errorCode ${ctx}`);
  if (code instanceof RegExp) assert.match(e.errorCode, code, `errorCode ${ctx}`);
  else if (code) assert.equal(e.errorCode, code, `errorCode ${ctx}`);
  return e;
}

/** rejectsWith awaits p and checks the jsforce error's errorCode. */
export async function rejectsWith(p, code) {
  let err;
  try { await p; } catch (e) { err = e; }
  assert.ok(err, `expected an error with errorCode ${code}, got success`);
  const got = err.errorCode ?? err.name;
  if (code instanceof RegExp) assert.match(String(got), code, `${err.message}`);
  else assert.equal(got, code, `${err.message} ${JSON.stringify(err.data)}`);
  return err;
}

// --- demo reps ------------------------------------------------------------------

/**
 * Each demo rep can hold one routing map, so tests never share reps. A rep is
 * claimed by creating a file in the claims directory with O_EXCL, which is
 * safe across the test processes of one run; reps that already have a map
 * on the server are never handed out.
 */
function claimsDir() {
  let dir = process.env.ROUTEMAP_COMPAT_CLAIMS;
  if (!dir) {
    const c = creds();
    const h = crypto.createHash('sha256').update(`${c.instance_url}|${c.org_id}`).digest('hex').slice(0, 12);
    dir = path.join(os.tmpdir(), `routemap-compat-claims-${h}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function mappedUsers() {
  const conn = await admin();
  const res = await conn.query(
    `SELECT ReferenceRecordId FROM ${OBJECT} WHERE CallCenterId = '${creds().call_center_id}'`,
    { autoFetch: true, maxFetch: 1_000_000 });
  return new Set(res.records.map((r) => r.ReferenceRecordId));
}

/** freeRepCount is how many reps are neither claimed nor mapped. */
export async function freeRepCount() {
  const dir = claimsDir();
  const used = await mappedUsers();
  return creds().rep_user_ids.filter((id) => !used.has(id) && !fs.existsSync(path.join(dir, id))).length;
}

/** claimReps returns n rep user ids that no other test uses. */
export async function claimReps(n) {
  const dir = claimsDir();
  const used = await mappedUsers();
  const out = [];
  for (const id of creds().rep_user_ids) {
    if (out.length === n) break;
    if (used.has(id)) continue;
    try {
      fs.closeSync(fs.openSync(path.join(dir, id), 'wx'));
      out.push(id);
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
  }
  assert.equal(out.length, n, `the demo server has only ${out.length} free member reps; this test needs ${n}`);
  return out;
}

/**
 * Reps the other tests claim in total (wire 3, crud 4, collections 8, query 2,
 * errors 5, sf-cli 4, bulk 3); the paging test leaves them. Update it when a
 * test claims more.
 */
export const REPS_RESERVED = 30;

/** cleanup deletes routing maps by id, ignoring ones already gone. */
export async function cleanup(ids) {
  const conn = await admin();
  const list = [...new Set(ids.filter(Boolean))];
  for (let i = 0; i < list.length; i += 200) {
    await conn.sobject(OBJECT).destroy(list.slice(i, i + 200), { allOrNone: false }).catch(() => {});
  }
}

// --- the sf CLI ------------------------------------------------------------------

/**
 * sfEnv returns an environment for the sf CLI with its own HOME, so nothing
 * reads or writes the user's ~/.sf, and with telemetry, update checks and
 * DNS checks off.
 */
export function sfEnv(home) {
  return {
    ...process.env,
    HOME: home,
    USERPROFILE: home,
    SF_DISABLE_TELEMETRY: 'true',
    SFDX_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_DISABLE_AUTOUPDATE: 'true',
    SFDX_DISABLE_DNS_CHECK: 'true',
    SF_DISABLE_DNS_CHECK: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_USE_PROGRESS_BAR: 'false',
    SF_DISABLE_LOG_FILE: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

/** sf runs the sf CLI and resolves with {code, stdout, stderr}; it never rejects on exit code. */
export function sf(args, { home, env = {}, cwd } = {}) {
  return new Promise((resolve, reject) => {
    execFile(SF_BIN, args, { env: { ...sfEnv(home), ...env }, cwd: cwd ?? home, maxBuffer: 64 << 20, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? err.code : 0, stdout, stderr });
      });
  });
}

/** sfJson runs sf with --json and returns the parsed output. */
export async function sfJson(args, opts) {
  const r = await sf([...args, '--json'], opts);
  let out;
  try { out = JSON.parse(r.stdout); } catch {
    assert.fail(`sf ${args.join(' ')} printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { ...r, out };
}

/** tempHome makes a fresh HOME for the sf CLI. */
export function tempHome() {
  return fs.mkdtempSync(path.join(process.env.ROUTEMAP_COMPAT_TMP || os.tmpdir(), 'sf-home-'));
}
