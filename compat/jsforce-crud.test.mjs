// Describe and single-record CRUD through jsforce 3.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  jsforce, creds, login, admin, tokenFor, claimReps, mapFor, agentArn, cleanup, rejectsWith, OBJECT, ID18, SF_DATETIME,
} from './helpers.mjs';

const created = [];
after(async () => { await cleanup(created); });

const FIELDS = ['ExternalId', 'ReferenceRecordId', 'CallCenterId', 'DeveloperName', 'QuickConnect', 'MasterLabel'];

test('describe CallCenterRoutingMap: keyPrefix and the help article fields', async () => {
  const conn = await admin();
  const d = await conn.sobject(OBJECT).describe();
  assert.equal(d.name, OBJECT);
  assert.match(d.keyPrefix, /^[a-zA-Z0-9]{3}$/);
  assert.equal(d.createable, true);
  assert.equal(d.updateable, true);
  assert.equal(d.deletable, true);
  assert.equal(d.queryable, true);
  const byName = Object.fromEntries(d.fields.map((f) => [f.name, f]));
  for (const f of ['Id', ...FIELDS]) assert.ok(byName[f], `field ${f} in describe`);
  assert.equal(byName.Id.type, 'id');
  assert.equal(byName.DeveloperName.type, 'string');
  assert.equal(byName.DeveloperName.length, 80);
  assert.equal(byName.MasterLabel.length, 80);
  assert.equal(byName.ExternalId.length, 255);
  assert.equal(byName.QuickConnect.nillable, true);
  assert.equal(byName.CallCenterId.type, 'reference');
  assert.deepEqual(byName.CallCenterId.referenceTo, ['CallCenter']);
  assert.equal(byName.ReferenceRecordId.type, 'reference');
  assert.deepEqual([...byName.ReferenceRecordId.referenceTo].sort(), ['Group', 'User']);
  for (const f of FIELDS) {
    assert.equal(byName[f].createable, true, `${f} createable`);
    assert.equal(byName[f].updateable, true, `${f} updateable`);
  }
});

test('describeGlobal lists the served objects with their key prefixes', async () => {
  const conn = await admin();
  const g = await conn.describeGlobal();
  const byName = Object.fromEntries(g.sobjects.map((s) => [s.name, s]));
  for (const name of [OBJECT, 'User', 'CallCenter', 'Group']) assert.ok(byName[name], `${name} in describeGlobal`);
  assert.equal(byName.User.keyPrefix, '005');
  assert.equal(byName.CallCenter.keyPrefix, '04v');
  assert.equal(byName.Group.keyPrefix, '00G');
});

test('create, retrieve, update, query, delete one routing map', async () => {
  const c = creds();
  const conn = await admin();
  const so = conn.sobject(OBJECT);
  const [rep] = await claimReps(1);
  const rec = mapFor(rep);

  const res = await so.create(rec);
  assert.equal(res.success, true);
  assert.match(res.id, ID18);
  created.push(res.id);
  const { keyPrefix } = await so.describe();
  assert.ok(res.id.startsWith(keyPrefix), `${res.id} starts with keyPrefix ${keyPrefix}`);

  const got = await so.retrieve(res.id);
  assert.equal(got.attributes.type, OBJECT);
  assert.equal(got.attributes.url, `/services/data/v${c.api_version}/sobjects/${OBJECT}/${res.id}`);
  assert.equal(got.Id, res.id);
  for (const f of FIELDS) assert.equal(got[f], rec[f], f);
  assert.match(got.CreatedDate, SF_DATETIME);
  assert.match(got.LastModifiedDate, SF_DATETIME);
  assert.match(got.SystemModstamp, SF_DATETIME);
  assert.equal(got.CreatedById, conn.userInfo.id);
  assert.equal(got.IsDeleted, false);

  const some = await conn.retrieve(OBJECT, res.id, { fields: ['DeveloperName', 'ExternalId'] });
  assert.equal(some.DeveloperName, rec.DeveloperName);
  assert.equal(some.ExternalId, rec.ExternalId);
  assert.ok(!('QuickConnect' in some), 'fields= limits the answer');

  const newArn = agentArn();
  const newQc = crypto.randomUUID();
  const upd = await so.update({ Id: res.id, ExternalId: newArn, QuickConnect: newQc });
  assert.equal(upd.success, true);
  const after = await so.retrieve(res.id);
  assert.equal(after.ExternalId, newArn);
  assert.equal(after.QuickConnect, newQc);
  assert.equal(after.DeveloperName, rec.DeveloperName, 'unchanged fields keep their values');

  const q = await conn.query(`SELECT Id, DeveloperName, ExternalId, ReferenceRecordId, CallCenterId, QuickConnect, MasterLabel FROM ${OBJECT} WHERE Id = '${res.id}'`);
  assert.equal(q.totalSize, 1);
  assert.equal(q.done, true);
  assert.equal(q.records[0].attributes.type, OBJECT);
  assert.equal(q.records[0].DeveloperName, rec.DeveloperName);
  assert.equal(q.records[0].QuickConnect, newQc);

  const found = await so.findOne({ DeveloperName: rec.DeveloperName }, ['Id', 'ReferenceRecordId']);
  assert.equal(found.Id, res.id);
  assert.equal(found.ReferenceRecordId, rep);

  const del = await so.destroy(res.id);
  assert.equal(del.success, true);
  await rejectsWith(so.retrieve(res.id), /^(NOT_FOUND|ENTITY_IS_DELETED)$/);
  const gone = await conn.query(`SELECT Id FROM ${OBJECT} WHERE Id = '${res.id}'`);
  assert.equal(gone.totalSize, 0);
});

test('a map without QuickConnect stores null', async () => {
  const conn = await admin();
  const [rep] = await claimReps(1);
  const { QuickConnect, ...rec } = mapFor(rep);
  const res = await conn.sobject(OBJECT).create(rec);
  created.push(res.id);
  const got = await conn.sobject(OBJECT).retrieve(res.id);
  assert.equal(got.QuickConnect, null);
});

test('viewer can read routing maps', async () => {
  const conn = await admin();
  const [rep] = await claimReps(1);
  const res = await conn.sobject(OBJECT).create(mapFor(rep));
  created.push(res.id);
  const viewer = await login('viewer');
  const got = await viewer.sobject(OBJECT).retrieve(res.id);
  assert.equal(got.Id, res.id);
  const q = await viewer.query(`SELECT Id FROM ${OBJECT} WHERE Id = '${res.id}'`);
  assert.equal(q.totalSize, 1);
});

test('API v50.0, jsforce\'s default version and the help article\'s, serves CallCenterRoutingMap', async () => {
  const c = creds();
  const conn = await admin();
  const [rep] = await claimReps(1);
  const t = await tokenFor('admin');
  // No `version` option: jsforce 3.10 uses 50.0.
  const v50 = new jsforce.Connection({ instanceUrl: c.instance_url, accessToken: t.access_token });
  assert.equal(v50.version, '50.0');
  const { QuickConnect, ...rec } = mapFor(rep); // QuickConnect exists from 56.0 only
  const res = await v50.sobject(OBJECT).create(rec);
  created.push(res.id);
  const got = await v50.sobject(OBJECT).retrieve(res.id);
  assert.equal(got.DeveloperName, rec.DeveloperName);
  const again = await conn.sobject(OBJECT).retrieve(res.id);
  assert.equal(again.ExternalId, rec.ExternalId);
});
