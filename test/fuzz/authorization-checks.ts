// Who may succeed with a command (DESIGN.md section 5): create needs the seller role; bid and
// buy-now and retraction the bidder role; cancel an admin, or the auction's own seller; approving
// or revoking a bidder the auction's own seller. A 2xx answer to anyone
// else, or to a request without a valid token, is a problem even when nothing was written (an
// idempotent no-op must not answer before the ownership check). And who may read the analysts'
// figures: the analyst role alone.
import type { AuthSpec, RequestSpec } from './http-arbitraries.js';

interface Caller {
  readonly sub: string;
  readonly roles: readonly string[];
}

/** The caller a request authenticates as; undefined when it should not authenticate; 'unknown' for hand-made claims. */
const callerOf = (auth: AuthSpec): Caller | undefined | 'unknown' => {
  switch (auth.kind) {
    case 'token':
    case 'lowercase-scheme':
      return { sub: auth.sub, roles: auth.roles };
    case 'claims':
      return 'unknown';
    default:
      return undefined;
  }
};

/** Problems with a 2xx answer to a command, given the seller of the auction it names. */
export const authorizationProblems = (spec: RequestSpec, sellerId: string | undefined): string[] => {
  const caller = callerOf(spec.auth);
  if (caller === 'unknown') return [];
  if (caller === undefined) return [`a command succeeded without a valid token (${spec.auth.kind})`];
  const has = (role: string) => caller.roles.includes(role);
  const needs = (ok: boolean, what: string) => (ok ? [] : [`a command succeeded for ${JSON.stringify(caller.sub.slice(0, 60))} with roles [${caller.roles.join(',')}], who is not ${what}`]);
  if (spec.path === '/v1/auctions') return needs(has('seller'), 'a seller');
  if (spec.path.endsWith('/bids') || spec.path.endsWith('/buy-now') || spec.path.endsWith('/retractions')) return needs(has('bidder'), 'a bidder');
  if (spec.path.includes('/approved-bidders/')) return needs(has('seller') && sellerId !== undefined && caller.sub === sellerId, `the auction's seller (${JSON.stringify(sellerId)})`);
  if (spec.path.endsWith('/cancel')) return needs(has('admin') || (has('seller') && sellerId !== undefined && caller.sub === sellerId), `an admin nor the auction's seller (${JSON.stringify(sellerId)})`);
  return [];
};

/** Problems with a 2xx answer to a read: the analysts' figures answer an analyst only. */
export const readAuthorizationProblems = (spec: RequestSpec): string[] => {
  if (!spec.path.startsWith('/v1/analytics/')) return [];
  const caller = callerOf(spec.auth);
  if (caller === 'unknown') return [];
  if (caller === undefined) return [`the analysts' figures answered without a valid token (${spec.auth.kind})`];
  return caller.roles.includes('analyst') ? [] : [`the analysts' figures answered ${JSON.stringify(caller.sub.slice(0, 60))} with roles [${caller.roles.join(',')}], who is not an analyst`];
};
