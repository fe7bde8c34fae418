// The Salesforce CLI (sf) against the server: login with an access token,
// then data commands.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  creds, admin, tokenFor, claimReps, mapFor, cleanup, sf, sfJson, tempHome, OBJECT, SF_ACCESS_TOKEN_RE, ID18,
} from './helpers.mjs';

const ALIAS = 'routemap-compat';
let home;
const created = [];

let loginResult;
before(async () => {
  home = tempHome();
  // One login for the file: every sf run costs a second or two of startup.
  loginResult = await loginSf();
});
after(async () => {
  await cleanup(created);
  if (home && !process.env.ROUTEMAP_COMPAT_KEEP) fs.rmSync(home, { recursive: true, force: true });
});

async function loginSf() {
  const c = creds();
  const t = await tokenFor('admin');
  assert.match(t.access_token, SF_ACCESS_TOKEN_RE, 'sf accepts only <org id>!<token>');
  const r = await sfJson(['org', 'login', 'access-token', '--instance-url', t.instance_url, '--no-prompt', '--alias', ALIAS],
    { home, env: { SF_ACCESS_TOKEN: t.access_token } });
  assert.equal(r.out.status, 0, `sf org login access-token: ${r.stdout}\n${r.stderr}`);
  assert.equal(r.out.result.orgId, c.org_id);
  assert.equal(r.out.result.username, c.admin_username);
  assert.ok(r.out.result.instanceUrl.startsWith(c.instance_url), r.out.result.instanceUrl);
  return r.out.result;
}

test('sf org login access-token with a token from the password grant', async () => {
  const c = creds();
  const result = loginResult;
  // sf picks the highest version /services/data lists.
  if (c.latest_api_version) assert.equal(result.instanceApiVersion, c.latest_api_version);
  assert.equal(result.isDevHub, false, 'ScratchOrgInfo must not be queryable');
  const d = await sfJson(['org', 'display', '--target-org', ALIAS], { home });
  assert.equal(d.out.status, 0, d.stdout);
  assert.equal(d.out.result.id, creds().org_id);
  assert.equal(d.out.result.connectedStatus, 'Connected', JSON.stringify(d.out.result));
});

test('sf org login stores the org name and edition from its Organization query', () => {
  // sf runs SELECT Name, InstanceName, IsSandbox, TrialExpirationDate,
  // NamespacePrefix, OrganizationType FROM Organization and silently drops
  // these fields when the query fails.
  assert.equal(typeof loginResult.name, 'string', `org name: ${JSON.stringify(loginResult)}`);
  assert.equal(typeof loginResult.orgEdition, 'string', 'orgEdition');
  assert.equal(loginResult.isSandbox, false);
  assert.equal(loginResult.isScratch, false);
});

test('sf data query --json returns the created records', async () => {
  const conn = await admin();
  const reps = await claimReps(2);
  const recs = reps.map((r) => mapFor(r));
  const res = await conn.sobject(OBJECT).create(recs);
  created.push(...res.map((r) => r.id));
  assert.deepEqual(res.map((r) => r.success), [true, true]);

  const q = await sfJson(['data', 'query', '--query', `SELECT Id, DeveloperName FROM ${OBJECT}`, '--target-org', ALIAS], { home });
  assert.equal(q.out.status, 0, `${q.stdout}\n${q.stderr}`);
  const { records, totalSize, done } = q.out.result;
  assert.equal(done, true);
  assert.equal(records.length, totalSize, 'sf fetched every page');
  const byId = new Map(records.map((r) => [r.Id, r]));
  res.forEach((r, i) => {
    assert.ok(byId.has(r.id), `record ${r.id} in sf output`);
    assert.equal(byId.get(r.id).DeveloperName, recs[i].DeveloperName);
    assert.equal(byId.get(r.id).attributes.type, OBJECT);
  });
});

test('sf data query --result-format csv', async () => {
  const conn = await admin();
  const [rep] = await claimReps(1);
  const rec = mapFor(rep);
  const res = await conn.sobject(OBJECT).create(rec);
  created.push(res.id);

  const r = await sf(['data', 'query', '--query', `SELECT Id, DeveloperName FROM ${OBJECT}`, '--target-org', ALIAS, '--result-format', 'csv'], { home });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.trim().split(/\r?\n/);
  assert.equal(lines[0], 'Id,DeveloperName');
  assert.ok(lines.includes(`${res.id},${rec.DeveloperName}`), `csv has ${res.id}:\n${r.stdout.slice(0, 2000)}`);

  const one = await sf(['data', 'query', '--query', `SELECT Id, DeveloperName, ExternalId FROM ${OBJECT} WHERE Id = '${res.id}'`,
    '--target-org', ALIAS, '--result-format', 'csv'], { home });
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(one.stdout.trim().split(/\r?\n/), ['Id,DeveloperName,ExternalId', `${res.id},${rec.DeveloperName},${rec.ExternalId}`]);
});

test('sf data create record and sf data get record', async () => {
  const conn = await admin();
  const [rep] = await claimReps(1);
  const rec = mapFor(rep);
  const values = Object.entries(rec).map(([k, v]) => `${k}=${v}`).join(' ');
  const cr = await sfJson(['data', 'create', 'record', '--sobject', OBJECT, '--values', values, '--target-org', ALIAS], { home });
  assert.equal(cr.out.status, 0, `${cr.stdout}\n${cr.stderr}`);
  assert.equal(cr.out.result.success, true);
  assert.match(cr.out.result.id, ID18);
  created.push(cr.out.result.id);

  const got = await conn.sobject(OBJECT).retrieve(cr.out.result.id);
  assert.equal(got.DeveloperName, rec.DeveloperName);
  assert.equal(got.ExternalId, rec.ExternalId);

  const g = await sfJson(['data', 'get', 'record', '--sobject', OBJECT, '--record-id', cr.out.result.id, '--target-org', ALIAS], { home });
  assert.equal(g.out.status, 0, `${g.stdout}\n${g.stderr}`);
  assert.equal(g.out.result.Id, cr.out.result.id);
  assert.equal(g.out.result.QuickConnect, rec.QuickConnect);

  const w = await sfJson(['data', 'get', 'record', '--sobject', OBJECT, '--where', `DeveloperName=${rec.DeveloperName}`, '--target-org', ALIAS], { home });
  assert.equal(w.out.status, 0, `${w.stdout}\n${w.stderr}`);
  assert.equal(w.out.result.Id, cr.out.result.id);
});

test('sf surfaces Salesforce errors: malformed SOQL', async () => {
  const q = await sfJson(['data', 'query', '--query', `SELEKT Id FROM ${OBJECT}`, '--target-org', ALIAS], { home });
  assert.notEqual(q.out.status, 0);
  assert.equal(q.out.name, 'MALFORMED_QUERY', q.stdout);
});
