// Bulk API 2.0 ingest through jsforce and the sf CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  creds, admin, tokenFor, claimReps, mapFor, cleanup, sfJson, tempHome, OBJECT, ID18,
} from './helpers.mjs';

const skip = false;
const COLS = ['ExternalId', 'ReferenceRecordId', 'CallCenterId', 'DeveloperName', 'MasterLabel', 'QuickConnect'];
const csvOf = (recs) => `${COLS.join(',')}\n${recs.map((r) => COLS.map((k) => r[k] ?? '').join(',')).join('\n')}\n`;

let home;
const created = [];
before(() => { home = tempHome(); });
after(async () => {
  await cleanup(created);
  if (home && !process.env.ROUTEMAP_COMPAT_KEEP) fs.rmSync(home, { recursive: true, force: true });
});

test('jsforce bulk2.loadAndWaitForResults: insert with one failing row', { skip, timeout: 90_000 }, async () => {
  const conn = await admin();
  const reps = await claimReps(2);
  const recs = [...reps.map((r) => mapFor(r)), mapFor(creds().non_member_user_ids[0])];
  conn.bulk2.pollInterval = 500;
  conn.bulk2.pollTimeout = 60_000;
  const res = await conn.bulk2.loadAndWaitForResults({ object: OBJECT, operation: 'insert', input: csvOf(recs) });
  created.push(...res.successfulResults.map((r) => r.sf__Id));
  assert.equal(res.successfulResults.length, 2);
  assert.equal(res.failedResults.length, 1);
  for (const r of res.successfulResults) {
    assert.match(r.sf__Id, ID18);
    assert.equal(r.sf__Created, 'true');
  }
  assert.deepEqual(res.successfulResults.map((r) => r.DeveloperName).sort(), recs.slice(0, 2).map((r) => r.DeveloperName).sort());
  assert.equal(res.failedResults[0].DeveloperName, recs[2].DeveloperName);
  assert.match(res.failedResults[0].sf__Error, /^[A-Z_]+:/);
  assert.deepEqual(res.unprocessedRecords, []);
});

test('jsforce bulk2.loadAndWaitForResults: upsert on Id updates and inserts', { skip, timeout: 90_000 }, async () => {
  const conn = await admin();
  const [existingRep, newRep] = await claimReps(2);
  const existing = await conn.sobject(OBJECT).create(mapFor(existingRep));
  assert.equal(existing.success, true);
  created.push(existing.id);
  const cols = ['Id', ...COLS];
  const rows = [
    { ...mapFor(existingRep), Id: existing.id, MasterLabel: 'Relabelled' },
    { ...mapFor(newRep), Id: '' },
  ];
  const input = `${cols.join(',')}\n${rows.map((r) => cols.map((k) => r[k] ?? '').join(',')).join('\n')}\n`;
  conn.bulk2.pollInterval = 500;
  conn.bulk2.pollTimeout = 60_000;
  const res = await conn.bulk2.loadAndWaitForResults({ object: OBJECT, operation: 'upsert', externalIdFieldName: 'Id', input });
  created.push(...res.successfulResults.filter((r) => r.sf__Created === 'true').map((r) => r.sf__Id));
  assert.equal(res.failedResults.length, 0, JSON.stringify(res.failedResults));
  assert.equal(res.successfulResults.length, 2);
  const byLabel = Object.fromEntries(res.successfulResults.map((r) => [r.DeveloperName, r]));
  assert.equal(byLabel[rows[0].DeveloperName].sf__Created, 'false');
  assert.equal(byLabel[rows[0].DeveloperName].sf__Id, existing.id);
  assert.equal(byLabel[rows[1].DeveloperName].sf__Created, 'true');
  const got = await conn.sobject(OBJECT).retrieve(existing.id);
  assert.equal(got.MasterLabel, 'Relabelled');
});

test('sf data import bulk --wait and sf data bulk results', { skip, timeout: 120_000 }, async () => {
  const c = creds();
  const t = await tokenFor('admin');
  const login = await sfJson(['org', 'login', 'access-token', '--instance-url', t.instance_url, '--no-prompt', '--alias', 'bulk'],
    { home, env: { SF_ACCESS_TOKEN: t.access_token } });
  assert.equal(login.out.status, 0, login.stdout);

  const [rep] = await claimReps(1);
  const good = mapFor(rep);
  const file = path.join(home, 'maps.csv');
  fs.writeFileSync(file, csvOf([good]));
  const imp = await sfJson(['data', 'import', 'bulk', '--file', file, '--sobject', OBJECT, '--wait', '5', '--target-org', 'bulk'], { home });
  assert.equal(imp.out.status, 0, `${imp.stdout}\n${imp.stderr}`);
  assert.equal(imp.out.result.processedRecords, 1);
  assert.equal(imp.out.result.successfulRecords, 1);
  assert.equal(imp.out.result.failedRecords, 0);
  const jobId = imp.out.result.jobId;
  assert.match(jobId, /^750/);

  const q = await (await admin()).query(`SELECT Id FROM ${OBJECT} WHERE DeveloperName = '${good.DeveloperName}'`);
  assert.equal(q.totalSize, 1);
  created.push(q.records[0].Id);

  // A row for a non-member fails: sf exits non-zero and names the job.
  const badFile = path.join(home, 'bad.csv');
  fs.writeFileSync(badFile, csvOf([mapFor(c.non_member_user_ids[0])]));
  const bad = await sfJson(['data', 'import', 'bulk', '--file', badFile, '--sobject', OBJECT, '--wait', '5', '--target-org', 'bulk'], { home });
  assert.notEqual(bad.out.status, 0);
  assert.equal(bad.out.name, 'FailedRecordDetailsError', bad.stdout);
  const badJob = bad.out.data.jobId;

  const res = await sfJson(['data', 'bulk', 'results', '--job-id', badJob, '--target-org', 'bulk'], { home });
  assert.equal(res.out.status, 0, res.stdout);
  assert.equal(res.out.result.status, 'JobComplete');
  assert.equal(res.out.result.processedRecords, 1);
  assert.equal(res.out.result.failedRecords, 1);
  const failed = fs.readFileSync(path.join(home, res.out.result.failedFilePath), 'utf8');
  assert.match(failed.split(/\r?\n/)[0], /^"?sf__Id"?,"?sf__Error"?,ExternalId,/);
});
