// The live bidding page over HTTP, in the real system (embedded): the page and every module it
// loads are served with a strict Content Security Policy, /config.json tells the page what it needs,
// and the development sign-in mints working tokens only under the development secret.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { DEVELOPMENT_JWT_SECRET, createLogger, errorHandler, notFoundHandler, verifyToken } from '../../infra/index.js';
import { currencyExponents } from '../../domain/index.js';
import { PAGE_CSP, PageConfigCodec, pagePublicDir, pageRoutes } from '../../realtime/index.js';
import { serve } from '../unit/http/harness.js';
import type { TestSystem } from '../support/system.js';
import { embedded, startTestSystem } from '../support/system.js';

/** The relative imports of an ES module's source. */
const importsOf = (source: string): string[] =>
  [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm)].map((m) => m[1]!);

describe('live bidding page over HTTP: embedded, development secret', () => {
  let sys: TestSystem;
  before(async () => {
    sys = await startTestSystem(embedded, { env: { AUTH_JWT_SECRET: '' } });
  });
  after(async () => sys?.stop());

  it('serves the page at / with a strict Content Security Policy (no inline code, Trusted Types)', async () => {
    const r = await fetch(`${sys.url}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(r.headers.get('content-security-policy'), PAGE_CSP);
    assert.match(PAGE_CSP, /require-trusted-types-for 'script'/);
    assert.match(PAGE_CSP, /script-src 'self'(;|$)/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const html = await r.text();
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<script type="module" src="\/page\/app.js"><\/script>/);
    assert.doesNotMatch(html, /<script>|\son[a-z]+=/i, 'no inline script or handler');
  });

  it('serves every module the page imports, as JavaScript, and nothing outside its folder', async () => {
    const seen = new Set<string>();
    const queue = ['app.js'];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const r = await fetch(`${sys.url}/page/${file}`);
      assert.equal(r.status, 200, file);
      assert.match(r.headers.get('content-type') ?? '', /^text\/javascript/, file);
      const source = await r.text();
      assert.equal(source, readFileSync(join(pagePublicDir, file), 'utf8'));
      for (const spec of importsOf(source)) queue.push(join(file, '..', spec).replace(/\\/g, '/'));
    }
    assert.ok(seen.has('views/auction-view.js') && seen.has('live.js') && seen.has('money.js'), [...seen].join(', '));
    assert.equal((await fetch(`${sys.url}/page/style.css`)).status, 200);
    for (const path of ['/page/../package.json', '/page/%2e%2e/package.json', '/page/%2e%2e%2fpage-routes.ts', '/page/nothing.js', '/page/']) {
      const r = await fetch(`${sys.url}${path}`);
      assert.equal(r.status, 404, path);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'NOT_FOUND', path);
    }
  });

  it('GET /config.json: the realtime endpoint, development sign-in on, the server\'s currency exponents', async () => {
    const r = await sys.call('GET', '/config.json');
    assert.equal(r.status, 200);
    assert.ok(PageConfigCodec.is(r.body), JSON.stringify(r.body));
    assert.equal(r.body.devTokens.enabled, true);
    assert.deepEqual(r.body.currencies, currencyExponents);
    if (r.body.realtime !== null) {
      assert.equal(r.body.realtime.path, '/v1/realtime');
      assert.ok(r.body.realtime.port > 0);
    }
  });

  it('POST /dev/token mints a token for a name and roles that the command API accepts', async () => {
    const r = await sys.call('POST', '/dev/token', { body: { sub: 'sam', roles: ['seller', 'bidder', 'seller'] } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.sub, r.body.roles], ['sam', ['seller', 'bidder']]);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const user = await verifyToken(r.body.token, DEVELOPMENT_JWT_SECRET);
    assert.deepEqual(user, { userId: 'sam', roles: ['seller', 'bidder'] });
    assert.ok(Date.parse(r.body.expiresAt) > Date.now() + 3600_000);
    const created = await sys.call('POST', '/v1/auctions', {
      token: r.body.token,
      body: { title: 'Made from the page', currency: 'USD', startingPrice: 1000, endsAt: new Date(Date.now() + 600_000).toISOString() },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });

  it('POST /dev/token refuses a bad name or roles with a 400 naming the fields', async () => {
    const r = await sys.call('POST', '/dev/token', { body: { sub: 'no\u0000nul please', roles: [] } });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error.details.fields.map((f: { path: string }) => f.path).sort(), ['body.roles', 'body.sub']);
    const extra = await sys.call('POST', '/dev/token', { body: { sub: 'sam', roles: ['bidder'], admin: true } });
    assert.deepEqual(extra.body.error.details.fields, [{ path: 'body.admin', message: 'is not a known field' }]);
    const role = await sys.call('POST', '/dev/token', { body: { sub: 'sam', roles: ['root'] } });
    assert.equal(role.status, 400);
    assert.equal((await sys.call('GET', '/dev/token')).status, 404);
  });

  it('API routes keep their answers: unknown paths are JSON 404s, not the page', async () => {
    const r = await sys.call('GET', '/v1/no-such-thing');
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'NOT_FOUND');
  });
});

describe('live bidding page over HTTP: a server with its own secret', () => {
  it('disables the development sign-in, saying how to get a token instead', async () => {
    const app = express();
    app.use(express.json());
    app.use(pageRoutes({ config: { jwtSecret: 's'.repeat(40), jwtSecretIsDevelopment: false }, realtimePort: () => 4321 }));
    app.use(notFoundHandler);
    app.use(errorHandler({ logger: createLogger('silent') }));
    const served = await serve(app);
    try {
      const config = (await (await fetch(`${served.url}/config.json`)).json()) as { devTokens: { enabled: boolean; message: string }; realtime: unknown };
      assert.equal(config.devTokens.enabled, false);
      assert.match(config.devTokens.message, /npm run token/);
      assert.deepEqual(config.realtime, { port: 4321, path: '/v1/realtime' });
      const r = await fetch(`${served.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'sam', roles: ['admin'] }) });
      assert.equal(r.status, 403);
      const body = (await r.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'DEV_TOKENS_DISABLED');
      assert.match(body.error.message, /AUTH_JWT_SECRET/);
    } finally {
      await served.close();
    }
  });

  it('reports no realtime endpoint while none is known (port 0 or none)', async () => {
    for (const port of [undefined, 0]) {
      const app = express().use(pageRoutes({ config: { jwtSecret: 's'.repeat(40), jwtSecretIsDevelopment: false }, realtimePort: () => port }));
      const served = await serve(app);
      try {
        assert.equal(((await (await fetch(`${served.url}/config.json`)).json()) as { realtime: unknown }).realtime, null);
      } finally {
        await served.close();
      }
    }
  });
});
