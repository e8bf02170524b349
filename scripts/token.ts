// `npm run token -- --sub alice --roles bidder,seller [--ttl 24h]`: prints a bearer token signed
// with the configured AUTH_JWT_SECRET (or the development secret, with a warning on stderr).
import { parseArgs } from 'node:util';
import { isLeft } from 'fp-ts/lib/Either.js';
import { UserId } from '../domain/index.js';
import { loadConfig } from '../infra/index.js';
import { allUserRoles, mintToken, RoleCodec, spanMs } from '../infra/index.js';
import type { Role } from '../infra/index.js';

const usage = `usage: npm run token -- --sub <user-id> --roles <role>[,<role>...] [--ttl <span>]

Prints an HS256 bearer token for the command and read APIs, signed with AUTH_JWT_SECRET.

  --sub <user-id>   the user id (claim "sub"): 1-255 characters, e.g. alice, auth0|5f7c8ec7, jane@example.com
  --roles <list>    comma-separated roles from ${allUserRoles.join(', ')}
  --ttl <span>      lifetime: 90s, 15m, 24h, 7d, or seconds (default 24h)
  -h, --help        this text

Example: curl -H "Authorization: Bearer $(npm run -s token -- --sub alice --roles bidder)" ...`;

const fail = (message: string): never => {
  process.stderr.write(`token: ${message}\n\n${usage}\n`);
  process.exit(2);
};

const main = async (): Promise<void> => {
  let values: { sub?: string; roles?: string; ttl?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        sub: { type: 'string' },
        roles: { type: 'string' },
        ttl: { type: 'string', default: '24h' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const sub = values.sub?.trim();
  if (sub === undefined || sub === '') return fail('--sub is required');
  const subject = UserId.decode(sub);
  if (isLeft(subject)) return fail(`--sub ${subject.left[0]?.message ?? 'is not a valid user id'}`);
  if (values.roles === undefined) return fail('--roles is required');
  const roles = values.roles.split(',').map((r) => r.trim()).filter((r) => r !== '');
  const unknown = roles.filter((r) => !RoleCodec.is(r));
  if (roles.length === 0 || unknown.length > 0) {
    return fail(`--roles: unknown role(s) ${unknown.join(', ') || '(none given)'}; expected ${allUserRoles.join(', ')}`);
  }
  let ttlSeconds: number;
  try {
    ttlSeconds = spanMs(values.ttl ?? '24h') / 1000;
  } catch (err) {
    return fail(`--ttl: ${(err as Error).message}`);
  }
  if (ttlSeconds <= 0) return fail('--ttl must be positive');
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`token: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (config.jwtSecretIsDevelopment) {
    process.stderr.write('token: warning: AUTH_JWT_SECRET is not set; signing with the development secret\n');
  }
  const token = await mintToken({ secret: config.jwtSecret, sub, roles: roles as Role[], expiresIn: ttlSeconds });
  process.stdout.write(`${token}\n`);
};

await main();
