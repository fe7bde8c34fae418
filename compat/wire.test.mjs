// Wire details the clients depend on, checked without a client library so a
// failure names the exact request. See CLIENTS.md for where each comes from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { creds, tokenFor, raw, apiPath, assertSfError, claimReps, mapFor, cleanup, OBJECT, ID18 } from './helpers.mjs';

let token;
const created = [];
before(async () => { token = (await tokenFor('admin')).access_token; });
after(async () => { await cleanup(created); });

test('version root /services/data/vNN.0 lists resources and an absolute identity URL', async () => {
  const c = creds();
  // jsforce identity() without a login reads `identity` here (no trailing slash).
  const r = await raw('GET', `/services/data/v${c.api_version}`, { token });
  assert.equal(r.status, 200, r.text);
  assert.match(r.ctype, /^application\/json/);
  assert.equal(r.json.sobjects, `/services/data/v${c.api_version}/sobjects`);
  assert.equal(r.json.query, `/services/data/v${c.api_version}/query`);
  assert.match(r.json.identity, /^https?:\/\/.+\/id\/00D[a-zA-Z0-9]{15}\/005[a-zA-Z0-9]{15}$/);
});

test('double slash after the host is served, not redirected (the sf CLI stores instance URLs with a trailing slash)', async () => {
  const c = creds();
  const [rep] = await claimReps(1);
  const base = `${c.instance_url}//services/data`;
  // sf: Connection.retrieveMaxApiVersion -> GET <instanceUrl>/services/data
  let r = await raw('GET', base, { token });
  assert.equal(r.status, 200, `GET //services/data -> ${r.status} ${r.headers.get('location') ?? ''}`);
  assert.ok(Array.isArray(r.json));
  // sf data create record
  r = await raw('POST', `${base}/v${c.api_version}/sobjects/${OBJECT}`, { token, body: mapFor(rep) });
  assert.equal(r.status, 201, `POST //…/sobjects -> ${r.status} ${r.text}`);
  const id = r.json.id;
  created.push(id);
  // sf data query
  r = await raw('GET', `${base}/v${c.api_version}/query?q=${encodeURIComponent(`SELECT Id FROM ${OBJECT} WHERE Id = '${id}'`)}`, { token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.totalSize, 1);
  // sf data get / update / delete record; sf sends content-type: application/json even without a body
  r = await raw('GET', `${base}/v${c.api_version}/sobjects/${OBJECT}/${id}`, { token, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 200, r.text);
  r = await raw('PATCH', `${base}/v${c.api_version}/sobjects/${OBJECT}/${id}`, { token, body: { QuickConnect: crypto.randomUUID() } });
  assert.equal(r.status, 204, r.text);
  r = await raw('DELETE', `${base}/v${c.api_version}/sobjects/${OBJECT}/${id}`, { token, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 204, r.text);
});

test('sf login: GET /services/data/v51.0/sobjects/User/<id> returns Username', async () => {
  const c = creds();
  const ui = await raw('GET', '/services/oauth2/userinfo', { token });
  assert.equal(ui.status, 200, ui.text);
  const r = await raw('GET', `/services/data/v51.0/sobjects/User/${ui.json.user_id}`, { token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.Id, ui.json.user_id);
  assert.equal(r.json.Username, c.admin_username);
});

test('sf login: querying ScratchOrgInfo fails with 4xx (otherwise sf records the org as a Dev Hub)', async () => {
  const r = await raw('GET', `/services/data/v51.0/query?q=${encodeURIComponent('SELECT Id FROM ScratchOrgInfo limit 1')}`, { token });
  assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text}`);
  assert.match(r.ctype, /^application\/json/);
});

test('sf login: the Organization query sf runs returns exactly one row', async () => {
  const q = 'SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization';
  const r = await raw('GET', apiPath(`/query?q=${encodeURIComponent(q)}`), { token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.totalSize, 1);
  const org = r.json.records[0];
  assert.equal(typeof org.Name, 'string');
  assert.equal(typeof org.IsSandbox, 'boolean');
  for (const k of ['InstanceName', 'TrialExpirationDate', 'NamespacePrefix', 'OrganizationType']) assert.ok(k in org, `Organization.${k}`);
});

async function columns(q) {
  const r = await raw('GET', apiPath(`/query?q=${encodeURIComponent(q)}&columns=true`), { token });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json && Array.isArray(r.json.columnMetadata), `columnMetadata: ${r.text.slice(0, 300)}`);
  for (const c of r.json.columnMetadata) {
    assert.equal(c.aggregate, false);
    assert.ok(Array.isArray(c.joinColumns), `joinColumns of ${c.columnName}`);
  }
  return r.json;
}

test('sf data query: ?columns=true returns columnMetadata for the SELECT list', async () => {
  // Field names in canonical case, whatever the query's case: sf reads the
  // values from the records by these names.
  const body = await columns(`SELECT id, DeveloperName, externalid FROM ${OBJECT}`);
  assert.deepEqual(body.columnMetadata.map((c) => c.columnName), ['Id', 'DeveloperName', 'ExternalId']);
  assert.equal(body.entityName, OBJECT);
});

test('sf data query: ?columns=true describes relationship fields with joinColumns', async () => {
  const body = await columns(`SELECT Id, ReferenceRecord.Name FROM ${OBJECT}`);
  assert.deepEqual(body.columnMetadata.map((c) => c.columnName), ['Id', 'ReferenceRecord']);
  assert.deepEqual(body.columnMetadata[1].joinColumns.map((c) => c.columnName), ['Name']);
});

test('SOQL field names are case-insensitive; records carry the canonical names (sf data get record --where sends "SELECT id")', async () => {
  const [rep] = await claimReps(1);
  const c = await raw('POST', apiPath(`/sobjects/${OBJECT}`), { token, body: mapFor(rep) });
  assert.equal(c.status, 201, c.text);
  created.push(c.json.id);
  const q = `select id, developername from callcenterroutingmap where developername = '${mapFor(rep).DeveloperName}'`;
  const r = await raw('GET', apiPath(`/query?q=${encodeURIComponent(q)}`), { token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.totalSize, 1);
  const rec = r.json.records[0];
  assert.equal(rec.attributes.type, OBJECT);
  assert.equal(rec.Id, c.json.id);
  assert.equal(rec.DeveloperName, mapFor(rep).DeveloperName);
});

test('query accepts + and %20 for spaces in q', async () => {
  const plus = await raw('GET', apiPath(`/query?q=SELECT+Id+FROM+${OBJECT}+LIMIT+1`), { token });
  assert.equal(plus.status, 200, plus.text);
  const pct = await raw('GET', apiPath(`/query?q=SELECT%20Id%20FROM%20${OBJECT}%20LIMIT%201`), { token });
  assert.equal(pct.status, 200, pct.text);
});

test('no Authorization header: 401 INVALID_SESSION_ID', async () => {
  const r = await raw('GET', apiPath(`/query?q=${encodeURIComponent(`SELECT Id FROM ${OBJECT}`)}`));
  assertSfError(r, 401, 'INVALID_SESSION_ID');
});

test('create answers 201 with {id, success, errors} and the id is an 18-character id', async () => {
  const [rep] = await claimReps(1);
  const r = await raw('POST', apiPath(`/sobjects/${OBJECT}/`), { token, body: mapFor(rep) });
  assert.equal(r.status, 201, r.text);
  assert.match(r.ctype, /^application\/json/);
  created.push(r.json.id);
  assert.match(r.json.id, ID18);
  assert.equal(r.json.success, true);
  assert.deepEqual(r.json.errors, []);
});
