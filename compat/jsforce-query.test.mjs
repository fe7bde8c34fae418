// SOQL through jsforce: paging with nextRecordsUrl, count(), relationships.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  creds, admin, claimReps, freeRepCount, mapFor, cleanup, raw, apiPath, OBJECT, REPS_RESERVED,
} from './helpers.mjs';

const created = [];
after(async () => { await cleanup(created); });

test('query paging: nextRecordsUrl, queryMore and autoFetch return every record once', { timeout: 150_000 }, async (t) => {
  const c = creds();
  const conn = await admin();
  // One map per rep: take every free rep except those the other tests need,
  // up to just over one default batch (2,000).
  const free = await freeRepCount();
  const n = Math.min(2100, free - REPS_RESERVED);
  if (n < 2) {
    t.skip(`only ${free} free demo reps; paging needs more than ${REPS_RESERVED + 200}`);
    return;
  }
  const reps = await claimReps(n);
  // Every map of this run shares one QuickConnect value, so the query sees
  // exactly these records whatever else the org holds.
  const qc = crypto.randomUUID();
  const res = await conn.sobject(OBJECT).create(reps.map((r) => mapFor(r, { QuickConnect: qc })), { allowRecursive: true });
  created.push(...res.map((r) => r.id));
  assert.equal(res.filter((r) => r.success).length, n, JSON.stringify(res.find((r) => !r.success)));
  const ids = new Set(res.map((r) => r.id));

  const soql = `SELECT Id, DeveloperName FROM ${OBJECT} WHERE QuickConnect = '${qc}'`;
  // Below 2,001 records, ask for smaller batches so paging still happens.
  const headers = n > 2000 ? {} : { 'Sforce-Query-Options': 'batchSize=200' };
  const pageMax = n > 2000 ? 2000 : 200;
  t.diagnostic(`${n} maps, batch ${pageMax}`);

  // The first page on the wire: nextRecordsUrl is a path whose last segment
  // is the whole locator (jsforce keeps only that segment and rebuilds the
  // URL with its own API version).
  const wire = await raw('GET', apiPath(`/query?q=${encodeURIComponent(soql)}`), { token: conn.accessToken, headers });
  assert.equal(wire.status, 200, wire.text.slice(0, 500));
  assert.equal(wire.json.totalSize, n);
  if (n > pageMax) {
    assert.equal(wire.json.done, false);
    assert.match(wire.json.nextRecordsUrl, new RegExp(`^/services/data/v${c.api_version.replace('.', '\\.')}/query/[^/?]+$`));
  } else {
    assert.equal(wire.json.done, true);
    assert.ok(!wire.json.nextRecordsUrl, 'no nextRecordsUrl on the last page');
  }

  // First page through jsforce, then queryMore by hand.
  const first = await conn.query(soql, { headers });
  assert.equal(first.totalSize, n);
  assert.ok(first.records.length >= 1 && first.records.length <= pageMax, `first page has ${first.records.length} records`);
  const pages = [first];
  if (n > pageMax) {
    assert.equal(first.done, false);
    let page = first;
    while (!page.done) {
      page = await conn.queryMore(page.nextRecordsUrl, { headers });
      assert.equal(page.totalSize, n);
      assert.ok(page.records.length >= 1 && page.records.length <= 2000);
      pages.push(page);
      assert.ok(pages.length <= n, 'paging terminates');
    }
    assert.ok(!page.nextRecordsUrl, 'the last page has no nextRecordsUrl');
  } else {
    assert.equal(first.done, true);
  }
  const seen = pages.flatMap((p) => p.records.map((r) => r.Id));
  assert.equal(seen.length, n, 'queryMore pages add up to totalSize');
  assert.equal(new Set(seen).size, n, 'no record twice');
  for (const id of seen) assert.ok(ids.has(id), `unexpected record ${id}`);
  if (n > pageMax) assert.ok(pages.length >= 2, 'at least one nextRecordsUrl was followed');

  // autoFetch follows nextRecordsUrl itself.
  const all = await conn.query(soql, { autoFetch: true, maxFetch: 1_000_000, headers });
  assert.equal(all.totalSize, n);
  assert.equal(all.records.length, n);
  assert.equal(all.done, true);
  assert.equal(new Set(all.records.map((r) => r.Id)).size, n);

  // The event/stream interface the jsforce docs show.
  const streamed = [];
  await new Promise((resolve, reject) => {
    conn.query(soql).on('record', (r) => streamed.push(r.Id)).on('end', resolve).on('error', reject)
      .run({ autoFetch: true, maxFetch: 1_000_000, headers });
  });
  assert.equal(streamed.length, n);

  // Without a batch size header a page holds at most 2,000 records.
  const dflt = await conn.query(soql);
  assert.ok(dflt.records.length <= 2000);
  assert.equal(dflt.done, dflt.records.length === n);

  if (n <= pageMax) {
    // Salesforce's smallest batch is 200: with fewer records there is one page.
    t.skip(`only ${n} maps fit in the free demo reps, so no nextRecordsUrl was followed; `
      + `start the server with more than ${REPS_RESERVED + 200} reps (run.sh asks for 2,200 via --demo-users)`);
  }
});

test('count() and WHERE on DeveloperName', async () => {
  const conn = await admin();
  const [rep] = await claimReps(1);
  const rec = mapFor(rep);
  const res = await conn.sobject(OBJECT).create(rec);
  created.push(res.id);
  const n = await conn.sobject(OBJECT).count({ DeveloperName: rec.DeveloperName });
  assert.equal(n, 1);
  const q = await conn.query(`SELECT count() FROM ${OBJECT} WHERE DeveloperName = '${rec.DeveloperName}'`);
  assert.equal(q.totalSize, 1);
  assert.deepEqual(q.records, []);
  const none = await conn.query(`SELECT Id FROM ${OBJECT} WHERE DeveloperName = 'No_Such_Name_${Date.now()}'`);
  assert.equal(none.totalSize, 0);
  assert.equal(none.done, true);
  assert.deepEqual(none.records, []);
});

test('relationship fields: ReferenceRecord.Name and CallCenter.Name', async () => {
  const conn = await admin();
  const [rep] = await claimReps(1);
  const res = await conn.sobject(OBJECT).create(mapFor(rep));
  created.push(res.id);
  const q = await conn.query(`SELECT Id, ReferenceRecord.Name, CallCenter.Name FROM ${OBJECT} WHERE Id = '${res.id}'`);
  assert.equal(q.totalSize, 1);
  const r = q.records[0];
  assert.equal(r.ReferenceRecord.attributes.type, 'User');
  assert.equal(typeof r.ReferenceRecord.Name, 'string');
  assert.equal(r.CallCenter.attributes.type, 'CallCenter');
  assert.equal(typeof r.CallCenter.Name, 'string');
  const user = await conn.query(`SELECT Name FROM User WHERE Id = '${rep}'`);
  assert.equal(r.ReferenceRecord.Name, user.records[0].Name);
});

test('members of the contact center: User.CallCenterId', async () => {
  const c = creds();
  const conn = await admin();
  const q = await conn.query(`SELECT Id FROM User WHERE CallCenterId = '${c.call_center_id}'`, { autoFetch: true, maxFetch: 1_000_000 });
  const members = new Set(q.records.map((r) => r.Id));
  for (const id of c.rep_user_ids.slice(0, 20)) assert.ok(members.has(id), `rep ${id} is a member`);
  for (const id of c.non_member_user_ids) assert.ok(!members.has(id), `${id} is not a member`);
});
