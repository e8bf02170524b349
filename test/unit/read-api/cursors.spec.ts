import assert from 'node:assert/strict';
import { isRight } from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { AttemptsQuery, AuditBidsQuery, BidsQuery, ListingQuery } from '../../../read-api/params.js';

const MAX_BIGINT = 9_223_372_036_854_775_807n;
const MAX_INTEGER = 2_147_483_647;
const cursorOf = (payload: unknown) => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

describe('read API cursors: every cursor that decodes fits its database column', () => {
  it('attempts cursors: a bigserial id up to 2^63 - 1, nothing beyond', () => {
    const decode = (at: unknown) => AttemptsQuery.decode({ cursor: cursorOf({ at }) });
    assert.ok(isRight(decode('9223372036854775807')));
    assert.ok(isRight(decode('0')));
    for (const at of ['9223372036854775808', '9999999999999999999', '18446744073709551616', '-1', '1e3', '', 1, null]) {
      assert.ok(!isRight(decode(at)), String(at));
    }
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 19n - 1n }), (n) => {
        assert.equal(isRight(decode(n.toString())), n <= MAX_BIGINT);
      }),
    );
  });

  it('version cursors and minVersion: 1 to 2^31 - 1', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 31), fc.constant(Number.MAX_SAFE_INTEGER + 2)), (v) => {
        const fits = Number.isInteger(v) && v >= 1 && v <= MAX_INTEGER;
        assert.equal(isRight(BidsQuery.decode({ cursor: cursorOf({ o: 'newest', v }) })), fits, String(v));
        assert.equal(isRight(AuditBidsQuery.decode({ cursor: cursorOf({ av: v }) })), fits, String(v));
        assert.equal(isRight(AuditBidsQuery.decode({ minVersion: String(v) })), fits && String(v) === String(Math.trunc(v)), String(v));
      }),
    );
  });

  it('listing cursors: a real instant from 1970 on, with microseconds', () => {
    const decode = (k: string) => ListingQuery.decode({ cursor: cursorOf({ st: 'open', so: 'ending-soon', se: null, k, i: 'a1' }) });
    assert.ok(isRight(decode('2026-01-31T12:00:00.123456Z')));
    for (const k of ['0000-01-01T00:00:00.000000Z', '1969-12-31T23:59:59.999999Z', '2026-02-30T00:00:00.000000Z', '294277-01-01T00:00:00.000000Z', '2026-01-31T12:00:00Z']) {
      assert.ok(!isRight(decode(k)), k);
    }
  });

  it('any string as a cursor decodes or is refused, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.jsonValue().map(cursorOf)), (cursor) => {
        for (const query of [AttemptsQuery, AuditBidsQuery, BidsQuery, ListingQuery]) query.decode({ cursor });
      }),
    );
  });
});
