// What the live bidding page reads from the HTTP server besides the public API: its configuration
// (where the realtime server listens, whether development tokens can be minted, the currencies'
// minor-unit exponents) and the development token endpoint's request and answer. io-ts codecs are
// the single definition of these shapes; the page (realtime/page/public/) reads them.
import * as t from 'io-ts';
import { UserId } from '../../domain/index.js';
import { RoleCodec, closedObject } from '../../infra/index.js';
import type { Role } from '../../infra/index.js';

/** Where the page opens its WebSocket: a port on the page's own host, and the path. */
export const RealtimeEndpointCodec = t.type({ port: t.number, path: t.string }, 'RealtimeEndpoint');
export type RealtimeEndpoint = t.TypeOf<typeof RealtimeEndpointCodec>;

/** `GET /config.json`. */
export const PageConfigCodec = t.type({
  /** null when no realtime server is known to this process (the page then says live updates are off). */
  realtime: t.union([RealtimeEndpointCodec, t.null]),
  devTokens: t.type({
    /** True only while the server signs tokens with the development secret. */
    enabled: t.boolean,
    /** What the page shows about signing in (why it is disabled, when it is). */
    message: t.string,
  }),
  /** ISO 4217 code -> digits after the decimal point, as the server counts minor units. */
  currencies: t.record(t.string, t.number),
}, 'PageConfig');
export type PageConfig = t.TypeOf<typeof PageConfigCodec>;

const RoleList = new t.Type<Role[], Role[], unknown>(
  'RoleList',
  (u): u is Role[] => Array.isArray(u) && u.length > 0 && u.every((r) => RoleCodec.is(r)),
  (u, c) => {
    if (!Array.isArray(u) || u.length === 0 || u.length > 5 || !u.every((r) => RoleCodec.is(r))) {
      return t.failure(u, c, 'expected a non-empty list of roles from bidder, seller, auditor, admin, analyst');
    }
    return t.success([...new Set(u as Role[])]);
  },
  t.identity,
);

/** `POST /dev/token` body: the user id to sign in as, and its roles. Unknown fields are refused. */
export const DevTokenBody = closedObject('DevTokenBody', { sub: UserId, roles: RoleList }, {});
export type DevTokenBody = t.TypeOf<typeof DevTokenBody>;

/** `POST /dev/token` answer. */
export const DevTokenResponseCodec = t.type({ token: t.string, sub: t.string, roles: t.array(RoleCodec), expiresAt: t.string }, 'DevTokenResponse');
export type DevTokenResponse = t.TypeOf<typeof DevTokenResponseCodec>;

/** How long a development token lives. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 3600;
