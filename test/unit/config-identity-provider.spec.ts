import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../infra/index.js';

const idp = { AUTH_JWKS_URL: 'https://tenant.example.auth0.com/.well-known/jwks.json', AUTH_ISSUER: 'https://tenant.example.auth0.com/', AUTH_AUDIENCE: 'https://api.gavelstream.example' };

/** loadConfig throws a ConfigError whose message names `variable` (and matches `problem`). */
const stops = (env: Record<string, string>, variable: string, problem?: RegExp) =>
  assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.message.includes(variable) && (problem === undefined || problem.test(e.message)), JSON.stringify(env));

describe('configuration: an identity provider (AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE, AUTH_ROLES_CLAIM)', () => {
  it('has none unless AUTH_JWKS_URL is set', () => {
    assert.equal(loadConfig({}).identityProvider, undefined);
  });

  it('reads the provider, roles from `roles` unless AUTH_ROLES_CLAIM names another claim', () => {
    assert.deepEqual(loadConfig(idp).identityProvider, {
      jwksUrl: idp.AUTH_JWKS_URL, issuer: idp.AUTH_ISSUER, audience: [idp.AUTH_AUDIENCE], rolesClaim: 'roles',
    });
    const custom = loadConfig({ ...idp, AUTH_JWKS_URL: 'http://127.0.0.1:8080/realms/x/protocol/openid-connect/certs', AUTH_AUDIENCE: 'gavelstream, api://gavelstream,gavelstream', AUTH_ROLES_CLAIM: 'https://gavelstream.example/roles' });
    assert.deepEqual(custom.identityProvider?.audience, ['gavelstream', 'api://gavelstream']);
    assert.equal(custom.identityProvider?.rolesClaim, 'https://gavelstream.example/roles');
    // the HS256 secret stays as it was
    assert.equal(loadConfig({ ...idp, AUTH_JWT_SECRET: 's'.repeat(40) }).jwtSecret, 's'.repeat(40));
  });

  it('stops on a JWKS URL that is not http(s) or carries a password, naming AUTH_JWKS_URL', () => {
    for (const url of ['ftp://idp.example/jwks.json', 'file:///etc/jwks.json', 'idp.example/jwks.json', 'not a url', 'https://user:secret@idp.example/jwks.json']) {
      stops({ ...idp, AUTH_JWKS_URL: url }, 'AUTH_JWKS_URL');
    }
  });

  it('requires AUTH_ISSUER and AUTH_AUDIENCE with AUTH_JWKS_URL', () => {
    stops({ AUTH_JWKS_URL: idp.AUTH_JWKS_URL, AUTH_AUDIENCE: idp.AUTH_AUDIENCE }, 'AUTH_ISSUER', /AUTH_ISSUER is required with AUTH_JWKS_URL/);
    stops({ AUTH_JWKS_URL: idp.AUTH_JWKS_URL, AUTH_ISSUER: idp.AUTH_ISSUER }, 'AUTH_AUDIENCE', /AUTH_AUDIENCE is required with AUTH_JWKS_URL/);
    stops({ AUTH_JWKS_URL: idp.AUTH_JWKS_URL }, 'AUTH_ISSUER and AUTH_AUDIENCE are required');
  });

  it('stops on AUTH_ISSUER, AUTH_AUDIENCE or AUTH_ROLES_CLAIM without AUTH_JWKS_URL', () => {
    stops({ AUTH_ISSUER: idp.AUTH_ISSUER }, 'AUTH_ISSUER', /AUTH_JWKS_URL is not/);
    stops({ AUTH_AUDIENCE: 'x', AUTH_ROLES_CLAIM: 'groups' }, 'AUTH_AUDIENCE, AUTH_ROLES_CLAIM are set but AUTH_JWKS_URL is not');
  });

  it('stops on an issuer, audience or claim name that could never match exactly, naming the variable', () => {
    for (const [name, value] of [
      ['AUTH_ISSUER', ' https://tenant.example.auth0.com/'],
      ['AUTH_ISSUER', 'https://tenant.example.auth0.com/\n'],
      ['AUTH_ISSUER', 'x'.repeat(1025)],
      ['AUTH_AUDIENCE', 'a,,b'],
      ['AUTH_AUDIENCE', ','],
      ['AUTH_AUDIENCE', 'api\u0000'],
      ['AUTH_ROLES_CLAIM', '   '],
      ['AUTH_ROLES_CLAIM', 'x'.repeat(256)],
    ] as const) stops({ ...idp, [name]: value }, name);
  });
});
