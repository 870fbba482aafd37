// A real OpenID Connect provider (panva's oidc-provider) for Dealkennis' sign-in tests.
//
// Started by tests/oidc_provider.py with one argument, a JSON file:
//   { "port": 43123,
//     "clients": [{ "client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris" }],
//     "accounts": { "<login>": { "claims": {...}, "token": {...} } } }
// Its sign-in form (oidc-provider's development interactions) takes any login
// and password; the account's claims come from the table, keyed by the login.
// An account's "token" entry makes the provider issue a bad ID token for it:
// the real token, changed in one claim ("aud", "iss", "nonce", or "expired":
// true) and signed again with the provider's own key, so only that claim is wrong.
// Prints "ready <issuer>" once it listens.

import { readFileSync } from 'node:fs';

import { SignJWT, decodeJwt, exportJWK, generateKeyPair, importJWK } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

function account(login) {
  const entry = config.accounts[login] ?? {};
  const claims = entry.claims ?? { email: login.includes('@') ? login : `${login}@voorbeeld.nl`, email_verified: true };
  return { entry, claims };
}

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: ['dealkennis-test-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    const { claims } = account(id);
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});

async function spoil(idToken, change) {
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (change.expired) {
    claims.iat = now - 3600;
    claims.exp = now - 600;
  }
  for (const name of ['aud', 'iss', 'nonce']) {
    if (name in change) claims[name] = change[name];
  }
  const key = await importJWK(signingKey, 'RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: signingKey.kid }).sign(key);
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route === 'token' && ctx.body?.id_token) {
    const { sub } = decodeJwt(ctx.body.id_token);
    const { entry } = account(sub);
    if (entry.token) ctx.body = { ...ctx.body, id_token: await spoil(ctx.body.id_token, entry.token) };
  }
});

// A failure inside the provider shows in the failing test's output.
provider.on('server_error', (ctx, error) => console.error('server_error', error));

provider.listen(config.port, '127.0.0.1', () => console.log(`ready ${issuer}`));
