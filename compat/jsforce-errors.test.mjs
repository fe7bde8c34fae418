// Error answers: status, JSON content type, the Salesforce error array, and
// what jsforce makes of them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  jsforce, creds, login, admin, tokenFor, raw, apiPath, assertSfError, rejectsWith, claimReps, mapFor, missingId,
  cleanup, OBJECT,
} from './helpers.mjs';

const created = [];
after(async () => { await cleanup(created); });

const soqlPath = (q) => apiPath(`/query?q=${encodeURIComponent(q)}`);

test('bad token: 401 with exactly the INVALID_SESSION_ID array', async () => {
  const c = creds();
  const bad = `${c.org_id.slice(0, 15)}!AQ0000notAValidToken`;
  const r = await raw('GET', soqlPath(`SELECT Id FROM ${OBJECT}`), { token: bad });
  assertSfError(r, 401, 'INVALID_SESSION_ID');
  assert.deepEqual(r.json, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  // A connection without a refresh path surfaces it as errorCode.
  const conn = new jsforce.Connection({ instanceUrl: c.instance_url, accessToken: bad, version: c.api_version });
  await rejectsWith(conn.query(`SELECT Id FROM ${OBJECT}`), 'INVALID_SESSION_ID');
});

test('expired session: jsforce logs in again after a 401 and retries', async () => {
  const conn = await login('admin');
  conn.accessToken = `${creds().org_id.slice(0, 15)}!AQexpired`;
  const res = await conn.query(`SELECT Id FROM ${OBJECT} LIMIT 1`);
  assert.equal(typeof res.totalSize, 'number');
  assert.notEqual(conn.accessToken, `${creds().org_id.slice(0, 15)}!AQexpired`);
});

test('unknown field in the body: 400 INVALID_FIELD', async () => {
  const conn = await admin();
  const [rep] = await claimReps(1);
  await rejectsWith(conn.sobject(OBJECT).create({ ...mapFor(rep), Bogus__c: 'x' }), 'INVALID_FIELD');
  const t = await tokenFor('admin');
  const r = await raw('POST', apiPath(`/sobjects/${OBJECT}`), { token: t.access_token, body: { ...mapFor(rep), NoSuchField: 1 } });
  assertSfError(r, 400, 'INVALID_FIELD', 'create with NoSuchField');
  const q = await conn.query(`SELECT Id FROM ${OBJECT} WHERE ReferenceRecordId = '${rep}'`);
  assert.equal(q.totalSize, 0, 'nothing stored');
});

test('Id in the create body: 400 INVALID_FIELD', async () => {
  const [rep] = await claimReps(1);
  const t = await tokenFor('admin');
  const r = await raw('POST', apiPath(`/sobjects/${OBJECT}`), { token: t.access_token, body: { Id: await missingId(), ...mapFor(rep) } });
  assertSfError(r, 400, 'INVALID_FIELD', 'create with Id');
});

test('malformed JSON body: 400 JSON_PARSER_ERROR', async () => {
  const t = await tokenFor('admin');
  const r = await raw('POST', apiPath(`/sobjects/${OBJECT}`), { token: t.access_token, body: '{"ExternalId": ', headers: { 'content-type': 'application/json' } });
  assertSfError(r, 400, 'JSON_PARSER_ERROR');
});

test('duplicate DeveloperName: 400 with a DUPLICATE_ errorCode', async () => {
  const conn = await admin();
  const [rep] = await claimReps(1);
  const rec = mapFor(rep);
  const res = await conn.sobject(OBJECT).create(rec);
  created.push(res.id);
  await rejectsWith(conn.sobject(OBJECT).create(mapFor(rep)), /^DUPLICATE_/);
  const t = await tokenFor('admin');
  const r = await raw('POST', apiPath(`/sobjects/${OBJECT}`), { token: t.access_token, body: mapFor(rep) });
  assertSfError(r, 400, /^DUPLICATE_/, 'second map with the same DeveloperName');
});

test('user who is not a member of the contact center: 400', async () => {
  const c = creds();
  const conn = await admin();
  const user = c.non_member_user_ids[0];
  const err = await rejectsWith(conn.sobject(OBJECT).create(mapFor(user)), /^[A-Z_]+$/);
  assert.ok(err.data && typeof err.data.message === 'string');
  const t = await tokenFor('admin');
  const r = await raw('POST', apiPath(`/sobjects/${OBJECT}`), { token: t.access_token, body: mapFor(user) });
  assertSfError(r, 400, /^[A-Z_]+$/, 'map for a non-member');
  const q = await conn.query(`SELECT Id FROM ${OBJECT} WHERE ReferenceRecordId = '${user}'`);
  assert.equal(q.totalSize, 0);
});

test('viewer cannot create, update or delete: INSUFFICIENT_ACCESS_OR_READONLY', async () => {
  const conn = await admin();
  const viewer = await login('viewer');
  const [mine, theirs] = await claimReps(2);
  await rejectsWith(viewer.sobject(OBJECT).create(mapFor(theirs)), 'INSUFFICIENT_ACCESS_OR_READONLY');
  const res = await conn.sobject(OBJECT).create(mapFor(mine));
  created.push(res.id);
  await rejectsWith(viewer.sobject(OBJECT).update({ Id: res.id, QuickConnect: crypto.randomUUID() }), 'INSUFFICIENT_ACCESS_OR_READONLY');
  await rejectsWith(viewer.sobject(OBJECT).destroy(res.id), 'INSUFFICIENT_ACCESS_OR_READONLY');
  const r = await raw('POST', apiPath(`/sobjects/${OBJECT}`), { token: viewer.accessToken, body: mapFor(theirs) });
  assertSfError(r, [400, 403], 'INSUFFICIENT_ACCESS_OR_READONLY', 'viewer create');
  // Through collections the refusal is a per-record result, or the whole
  // request fails with the same code.
  try {
    const arr = await viewer.sobject(OBJECT).create([mapFor(theirs)]);
    assert.equal(arr[0].success, false, JSON.stringify(arr));
    assert.equal(arr[0].errors[0].statusCode, 'INSUFFICIENT_ACCESS_OR_READONLY');
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.equal(e.errorCode, 'INSUFFICIENT_ACCESS_OR_READONLY', e.message);
  }
  const q = await conn.query(`SELECT Id FROM ${OBJECT} WHERE ReferenceRecordId = '${theirs}'`);
  assert.equal(q.totalSize, 0, 'the viewer stored nothing');
  const still = await conn.sobject(OBJECT).retrieve(res.id);
  assert.equal(still.Id, res.id);
});

test('malformed SOQL: 400 MALFORMED_QUERY', async () => {
  const conn = await admin();
  await rejectsWith(conn.query(`SELEKT Id FROM ${OBJECT}`), 'MALFORMED_QUERY');
  const t = await tokenFor('admin');
  assertSfError(await raw('GET', soqlPath(`SELECT Id FROM ${OBJECT} WHERE`), { token: t.access_token }), 400, 'MALFORMED_QUERY');
});

test('unknown column in SOQL: 400 INVALID_FIELD', async () => {
  const t = await tokenFor('admin');
  assertSfError(await raw('GET', soqlPath(`SELECT Id, NoSuchColumn FROM ${OBJECT}`), { token: t.access_token }), 400, 'INVALID_FIELD');
});

test('unknown sObject in SOQL: INVALID_TYPE', async () => {
  const t = await tokenFor('admin');
  // salesforce-api.md lists 400 or 404 for this; sf's ScratchOrgInfo probe only needs a 4xx.
  assertSfError(await raw('GET', soqlPath('SELECT Id FROM NoSuchObject'), { token: t.access_token }), [400, 404], 'INVALID_TYPE');
});

test('record id that does not exist: 404 NOT_FOUND on GET, PATCH and DELETE', async () => {
  const conn = await admin();
  const id = await missingId();
  await rejectsWith(conn.sobject(OBJECT).retrieve(id), 'NOT_FOUND');
  const t = await tokenFor('admin');
  assertSfError(await raw('GET', apiPath(`/sobjects/${OBJECT}/${id}`), { token: t.access_token }), 404, 'NOT_FOUND');
  assertSfError(await raw('PATCH', apiPath(`/sobjects/${OBJECT}/${id}`), { token: t.access_token, body: { QuickConnect: crypto.randomUUID() } }), 404, 'NOT_FOUND');
  assertSfError(await raw('DELETE', apiPath(`/sobjects/${OBJECT}/${id}`), { token: t.access_token }), 404, 'NOT_FOUND');
});

test('unknown sObject in the path: 404 NOT_FOUND', async () => {
  const t = await tokenFor('admin');
  assertSfError(await raw('GET', apiPath('/sobjects/NoSuchObject/describe'), { token: t.access_token }), 404, 'NOT_FOUND');
});
