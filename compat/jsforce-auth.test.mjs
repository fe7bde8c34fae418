// OAuth 2.0 and identity, as jsforce 3 uses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  jsforce, creds, login, oauth2Config, tokenFor, raw, apiPath, rejectsWith, ID18, SF_ACCESS_TOKEN_RE,
} from './helpers.mjs';

function assertTokenShape(token) {
  const org15 = creds().org_id.slice(0, 15);
  // Salesforce tokens start with the org id and "!"; the sf CLI refuses any
  // other shape before it sends a request.
  assert.match(token, /^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?!\S+$/, `token shape: ${token}`);
  assert.ok(token.startsWith(`${org15}!`) || token.startsWith(`${creds().org_id}!`), `token ${token} does not start with org id ${creds().org_id}`);
  assert.match(token, SF_ACCESS_TOKEN_RE, 'sf CLI access token check');
}

test('password grant: jsforce login returns the org and user ids', async () => {
  const c = creds();
  const conn = await login('admin');
  assert.equal(conn.userInfo.organizationId, c.org_id);
  assert.match(conn.userInfo.id, ID18);
  assert.ok(conn.userInfo.id.startsWith('005'), conn.userInfo.id);
  assert.equal(conn.instanceUrl, c.instance_url, 'instance_url from the token response');
  assertTokenShape(conn.accessToken);
});

test('password grant: token response has the Salesforce fields', async () => {
  const c = creds();
  const t = await tokenFor('admin');
  assertTokenShape(t.access_token);
  assert.equal(t.instance_url, c.instance_url);
  assert.ok(!t.instance_url.endsWith('/'), 'instance_url has no trailing slash');
  assert.equal(t.token_type, 'Bearer');
  assert.match(t.issued_at, /^\d{13}$/, 'issued_at is epoch milliseconds as a string');
  assert.equal(typeof t.signature, 'string');
  // jsforce takes the org and user ids from the last two path segments of id.
  const m = /^https?:\/\/[^/]+\/id\/(00D[a-zA-Z0-9]{15})\/(005[a-zA-Z0-9]{15})$/.exec(t.id);
  assert.ok(m, `identity URL: ${t.id}`);
  assert.equal(m[1], c.org_id);
});

test('client credentials grant via jsforce authorize()', async () => {
  // jsforce 3 has no dedicated client-credentials method; authorize() with a
  // params object posts grant_type plus the client id and secret.
  const c = creds();
  const conn = new jsforce.Connection({ oauth2: oauth2Config(), version: c.api_version });
  const info = await conn.authorize({ grant_type: 'client_credentials' });
  assert.equal(info.organizationId, c.org_id);
  assert.match(info.id, ID18);
  assertTokenShape(conn.accessToken);
  const res = await conn.query(`SELECT Id FROM CallCenterRoutingMap LIMIT 1`);
  assert.equal(typeof res.totalSize, 'number');
});

test('identity(): jsforce follows the identity URL from the token response', async () => {
  const c = creds();
  const conn = await login('admin');
  const id = await conn.identity();
  assert.equal(id.organization_id, c.org_id);
  assert.equal(id.user_id, conn.userInfo.id);
  assert.equal(typeof id.id, 'string');
  assert.ok(id.id.endsWith(`/id/${c.org_id}/${conn.userInfo.id}`), id.id);
});

test('identity(): with only instanceUrl and accessToken jsforce finds the identity URL in the version root', async () => {
  const c = creds();
  const t = await tokenFor('admin');
  const conn = new jsforce.Connection({ instanceUrl: c.instance_url, accessToken: t.access_token, version: c.api_version });
  const id = await conn.identity();
  assert.equal(id.organization_id, c.org_id);
  assert.match(id.user_id, ID18);
  assert.equal(conn.userInfo.organizationId, c.org_id);
});

test('userinfo: the OpenID endpoint the sf CLI calls at login', async () => {
  const c = creds();
  const t = await tokenFor('admin');
  const r = await raw('GET', '/services/oauth2/userinfo', { token: t.access_token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.organization_id, c.org_id);
  assert.match(r.json.user_id, ID18);
  assert.equal(r.json.preferred_username, c.admin_username);
});

test('viewer can log in and is a different user', async () => {
  const admin = await login('admin');
  const viewer = await login('viewer');
  assert.equal(viewer.userInfo.organizationId, creds().org_id);
  assert.notEqual(viewer.userInfo.id, admin.userInfo.id);
});

test('wrong password: 400 invalid_grant, which jsforce raises as the error name', async () => {
  const c = creds();
  const conn = new jsforce.Connection({ oauth2: oauth2Config(), version: c.api_version });
  await rejectsWith(conn.login(c.admin_username, `${c.admin_password}-wrong`), 'invalid_grant');
  const r = await raw('POST', '/services/oauth2/token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: c.client_id, client_secret: c.client_secret, username: c.admin_username, password: 'nope' }).toString(),
  });
  assert.equal(r.status, 400, r.text);
  assert.match(r.ctype, /^application\/json/);
  assert.equal(r.json.error, 'invalid_grant');
  assert.equal(typeof r.json.error_description, 'string');
});

test('wrong client secret: 400 invalid_client', async () => {
  const c = creds();
  const conn = new jsforce.Connection({ oauth2: { ...oauth2Config(), clientSecret: 'not-the-secret' }, version: c.api_version });
  await rejectsWith(conn.login(c.admin_username, c.admin_password), /^invalid_client/);
});

test('API versions: /services/data/ lists the configured and latest versions', async () => {
  const c = creds();
  const r = await raw('GET', '/services/data/');
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json), 'a JSON array');
  const versions = r.json.map((v) => v.version);
  for (const v of r.json) {
    // The sf CLI only accepts versions shaped "NN.0" (validateApiVersion).
    assert.match(v.version, /^[1-9]\d\.0$/);
    assert.equal(v.url, `/services/data/v${v.version}`);
    assert.equal(typeof v.label, 'string');
  }
  assert.ok(versions.includes(c.api_version), `${versions} includes ${c.api_version}`);
  if (c.latest_api_version) {
    assert.equal(versions.map(Number).sort((a, b) => b - a)[0], Number(c.latest_api_version));
  }
  assert.ok(apiPath('').endsWith(c.api_version));
});
