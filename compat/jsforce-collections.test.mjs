// sObject Collections (/composite/sobjects), which jsforce uses for the array
// forms of create, retrieve, update and destroy.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  creds, admin, tokenFor, raw, apiPath, claimReps, mapFor, developerName, cleanup, assertSfError, missingId, OBJECT, ID18,
} from './helpers.mjs';

const created = [];
after(async () => { await cleanup(created); });

const nonMember = () => creds().non_member_user_ids[0];

async function countByDeveloperName(names) {
  const conn = await admin();
  const list = names.map((n) => `'${n}'`).join(', ');
  const r = await conn.query(`SELECT Id FROM ${OBJECT} WHERE DeveloperName IN (${list})`);
  return r.totalSize;
}

function assertRecordError(result, what) {
  assert.equal(result.success, false, `${what}: ${JSON.stringify(result)}`);
  assert.ok(Array.isArray(result.errors) && result.errors.length >= 1, `${what}: errors`);
  const e = result.errors[0];
  // Collections use statusCode, not errorCode.
  assert.match(String(e.statusCode), /^[A-Z_]+$/, `${what}: statusCode in ${JSON.stringify(e)}`);
  assert.equal(typeof e.message, 'string');
  return e;
}

test('array create with allOrNone false: per-record results in order, the bad record fails alone', async () => {
  const conn = await admin();
  const [a, b] = await claimReps(2);
  const recs = [mapFor(a), mapFor(nonMember()), mapFor(b)];
  const res = await conn.sobject(OBJECT).create(recs, { allOrNone: false });
  assert.equal(res.length, 3);
  for (const i of [0, 2]) {
    assert.equal(res[i].success, true, JSON.stringify(res[i]));
    assert.match(res[i].id, ID18);
    assert.deepEqual(res[i].errors, []);
    created.push(res[i].id);
  }
  assertRecordError(res[1], 'non-member user');
  assert.equal(await countByDeveloperName([recs[1].DeveloperName]), 0, 'the bad record was not stored');

  // Array retrieve: POST /composite/sobjects/CallCenterRoutingMap {ids, fields}.
  const got = await conn.sobject(OBJECT).retrieve([res[0].id, res[2].id]);
  assert.equal(got.length, 2);
  assert.equal(got[0].Id, res[0].id);
  assert.equal(got[0].DeveloperName, recs[0].DeveloperName);
  assert.equal(got[1].Id, res[2].id);
  assert.equal(got[1].ExternalId, recs[2].ExternalId);
  const some = await conn.sobject(OBJECT).retrieve([res[2].id, res[0].id], { fields: ['DeveloperName'] });
  assert.deepEqual(some.map((r) => r.DeveloperName), [recs[2].DeveloperName, recs[0].DeveloperName]);
});

test('array create with allOrNone true: one bad record rolls back every record', async () => {
  const conn = await admin();
  const [a, b] = await claimReps(2);
  const recs = [mapFor(a), mapFor(b), mapFor(nonMember())];
  const res = await conn.sobject(OBJECT).create(recs, { allOrNone: true });
  created.push(...res.map((r) => r.id));
  assert.equal(res.length, 3);
  for (const i of [0, 1]) {
    const e = assertRecordError(res[i], `record ${i}`);
    assert.equal(e.statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
  }
  const bad = assertRecordError(res[2], 'non-member user');
  assert.notEqual(bad.statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
  assert.equal(await countByDeveloperName(recs.map((r) => r.DeveloperName)), 0, 'nothing was stored');
  // The same good records go in once the bad one is gone.
  const ok = await conn.sobject(OBJECT).create(recs.slice(0, 2), { allOrNone: true });
  created.push(...ok.map((r) => r.id));
  assert.deepEqual(ok.map((r) => r.success), [true, true]);
});

test('array update: per-record results; a rejected update leaves its record unchanged', async () => {
  const conn = await admin();
  const [a, b] = await claimReps(2);
  const res = await conn.sobject(OBJECT).create([mapFor(a), mapFor(b)]);
  created.push(...res.map((r) => r.id));
  assert.deepEqual(res.map((r) => r.success), [true, true]);
  const qc = crypto.randomUUID();
  const upd = await conn.sobject(OBJECT).update([
    { Id: res[0].id, QuickConnect: qc },
    // Pointing a map at a user outside the contact center must fail.
    { Id: res[1].id, ReferenceRecordId: nonMember(), MasterLabel: nonMember(), DeveloperName: developerName(nonMember()) },
  ], { allOrNone: false });
  assert.equal(upd.length, 2);
  assert.equal(upd[0].success, true, JSON.stringify(upd[0]));
  assert.equal(upd[0].id, res[0].id);
  assertRecordError(upd[1], 'update to a non-member user');
  const [x, y] = await conn.sobject(OBJECT).retrieve([res[0].id, res[1].id], { fields: ['QuickConnect', 'ReferenceRecordId'] });
  assert.equal(x.QuickConnect, qc);
  assert.equal(y.ReferenceRecordId, b);
});

test('array destroy: DELETE /composite/sobjects?ids=…', async () => {
  const conn = await admin();
  const [a, b] = await claimReps(2);
  const res = await conn.sobject(OBJECT).create([mapFor(a), mapFor(b)]);
  const ids = res.map((r) => r.id);
  created.push(...ids);

  // allOrNone with an id that does not exist: nothing is deleted.
  const aon = await conn.sobject(OBJECT).destroy([ids[0], await missingId()], { allOrNone: true });
  assert.equal(aon.length, 2);
  assert.equal(aon[0].success, false, JSON.stringify(aon));
  assert.equal(aon[1].success, false, JSON.stringify(aon));
  assert.equal((await conn.query(`SELECT Id FROM ${OBJECT} WHERE Id = '${ids[0]}'`)).totalSize, 1, 'rolled back');

  const del = await conn.sobject(OBJECT).destroy(ids);
  assert.deepEqual(del.map((r) => [r.id, r.success]), [[ids[0], true], [ids[1], true]]);
  const left = await conn.query(`SELECT Id FROM ${OBJECT} WHERE Id IN ('${ids[0]}', '${ids[1]}')`);
  assert.equal(left.totalSize, 0);
});

test('more than 200 records in one collections request: 400 EXCEEDED_ID_LIMIT', async () => {
  const t = await tokenFor('admin');
  // Records for a user outside the contact center, so a server that wrongly
  // processes the request still stores nothing.
  const records = Array.from({ length: 201 }, (_, i) => ({
    attributes: { type: OBJECT }, ...mapFor(nonMember(), { DeveloperName: `Compat_Limit_${i}_${Date.now()}` }),
  }));
  const r = await raw('POST', apiPath('/composite/sobjects'), { token: t.access_token, body: { allOrNone: false, records } });
  assertSfError(r, 400, 'EXCEEDED_ID_LIMIT', 'POST /composite/sobjects with 201 records');
});
