import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyToken } from '../../../infra/http/auth.js';
import { DEVELOPMENT_JWT_SECRET } from '../../../infra/index.js';
import { SECRET } from './harness.js';
import { childEnv } from '../../support/services.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'token.js');

const run = (args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: childEnv(env) }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });

describe('scripts/token', () => {
  it('prints a token that verifies with AUTH_JWT_SECRET, carrying sub, roles and the ttl', async () => {
    const out = await run(['--sub', 'alice', '--roles', 'bidder,seller', '--ttl', '2h'], { AUTH_JWT_SECRET: SECRET });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stderr, '');
    const token = out.stdout.trim();
    assert.equal(out.stdout, `${token}\n`);
    assert.deepEqual(await verifyToken(token, SECRET), { userId: 'alice', roles: ['bidder', 'seller'] });
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iat: number; exp: number };
    assert.equal(payload.exp - payload.iat, 7200);
  });

  it('defaults to 24 h and the development secret, with a warning', async () => {
    const out = await run(['--sub', 'bob', '--roles', 'auditor'], { AUTH_JWT_SECRET: undefined });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /development secret/);
    const token = out.stdout.trim();
    assert.deepEqual(await verifyToken(token, DEVELOPMENT_JWT_SECRET), { userId: 'bob', roles: ['auditor'] });
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iat: number; exp: number };
    assert.equal(payload.exp - payload.iat, 86_400);
  });

  it('prints usage for --help', async () => {
    const out = await run(['--help'], {});
    assert.equal(out.code, 0);
    assert.match(out.stdout, /usage: npm run token -- --sub/);
  });

  it('refuses bad arguments with exit code 2 and a message', async () => {
    const cases: [string[], RegExp][] = [
      [['--roles', 'bidder'], /--sub is required/],
      [['--sub', 'a'], /--roles is required/],
      [['--sub', 'a', '--roles', 'bidder,king'], /unknown role\(s\) king/],
      [['--sub', 'a', '--roles', 'bidder', '--ttl', 'forever'], /--ttl/],
      [['--sub', 'a', '--roles', 'bidder', '--bogus'], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const out = await run(args, { AUTH_JWT_SECRET: SECRET });
      assert.equal(out.code, 2, args.join(' '));
      assert.match(out.stderr, message);
      assert.equal(out.stdout, '');
    }
  });

  it('stops on invalid configuration, naming the variable', async () => {
    const out = await run(['--sub', 'a', '--roles', 'bidder'], { AUTH_JWT_SECRET: 'short' });
    assert.equal(out.code, 1);
    assert.match(out.stderr, /AUTH_JWT_SECRET/);
  });
});
