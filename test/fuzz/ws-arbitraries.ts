// fast-check generators of WebSocket traffic for the realtime port (DESIGN.md section 6): frames
// that are not JSON, not objects, of unknown types, with hostile auction ids and sinceVersions,
// binary, too large, not UTF-8, and rapid subscribe/unsubscribe churn, mixed with valid frames.
import fc from 'fast-check';
import { hostileStringArb, hostileValueArb, jsonText } from './hostile-values.js';

export type FrameSpec =
  /** JSON text (raw numbers allowed) that the protocol refuses: one error frame each. */
  | { readonly kind: 'refused-json'; readonly value: unknown }
  /** Text that is not JSON: an error frame. */
  | { readonly kind: 'not-json'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: readonly number[] }
  /** A text frame of this many bytes: over the frame limit (an error frame) or over the transport's (the socket closes). */
  | { readonly kind: 'oversize'; readonly bytes: number }
  /** A text frame whose bytes are not UTF-8. */
  | { readonly kind: 'bad-utf8' }
  /** A valid subscribe to a known auction (by index) or to an id no auction has. */
  | { readonly kind: 'subscribe'; readonly pick: number | 'unknown'; readonly sinceVersion: number | undefined }
  | { readonly kind: 'unsubscribe'; readonly pick: number | 'unknown' }
  /** Subscribe (with a sinceVersion) and unsubscribe, `pairs` times, as fast as the socket takes them. */
  | { readonly kind: 'churn'; readonly pick: number; readonly pairs: number };

const hostileIdArb = fc.oneof(hostileStringArb, fc.constantFrom(42, null, true, [], {}, 'a'.repeat(129), '../x', 'auth0|x'));

const refusedJsonArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, 1, 'subscribe', [], [{ type: 'subscribe' }], true),
  fc.constant({}),
  fc.record({ type: fc.oneof(fc.constantFrom(1, null, ['subscribe'], { a: 1 }), hostileStringArb.filter((s) => s !== 'subscribe' && s !== 'unsubscribe')) }),
  // A subscribe to an id that may yet be valid is refused at once or, after a grace, as AUCTION_NOT_FOUND.
  fc.record({ type: fc.constant('subscribe'), auctionId: hostileIdArb }),
  fc.record({ type: fc.constant('unsubscribe'), auctionId: fc.constantFrom(42, null, true, [], {}, '') }),
  fc.record({ type: fc.constant('subscribe'), auctionId: fc.constant('fz-known'), sinceVersion: fc.oneof(
    fc.constantFrom('-1', '1.5', '1e300', '-0.5', '9007199254740992', '1e400', '-1e400').map((raw) => ({ raw })),
    fc.constantFrom('3', null, true, [], {}),
  ) }),
  fc.record({ type: fc.constant('subscribe'), auctionId: fc.constant('fz-known'), extra: hostileValueArb }),
  fc.record({ type: fc.constant('subscribe') }),
);

export const frameArb: fc.Arbitrary<FrameSpec> = fc.oneof(
  { weight: 4, arbitrary: refusedJsonArb.map((value): FrameSpec => ({ kind: 'refused-json', value })) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('{', '{"type":', 'nul\u0000', '\ud800', '', ' '), fc.string({ unit: 'binary', maxLength: 50 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } })).map((text): FrameSpec => ({ kind: 'not-json', text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b): FrameSpec => ({ kind: 'binary', bytes: [...b] })) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 4 * 1024 + 1, max: 60 * 1024 }), fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 })).map((bytes): FrameSpec => ({ kind: 'oversize', bytes })) },
  { weight: 1, arbitrary: fc.constant<FrameSpec>({ kind: 'bad-utf8' }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('subscribe' as const),
      pick: fc.oneof(fc.nat(), fc.constant('unknown' as const)),
      sinceVersion: fc.oneof(fc.constant(undefined), fc.nat({ max: 6 }), fc.constantFrom(1_000_000, Number.MAX_SAFE_INTEGER)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), pick: fc.oneof(fc.nat(), fc.constant('unknown' as const)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('churn' as const), pick: fc.nat(), pairs: fc.integer({ min: 10, max: 400 }) }) },
);

/** What one run sends: one to three sockets, each with its own frames, sent at once. */
export const socketsArb: fc.Arbitrary<FrameSpec[][]> = fc.array(fc.array(frameArb, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 });

export interface WireFrame {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

/** The frames on the wire, and how many of them the protocol must answer with an error (or a close). */
export const framesOf = (spec: FrameSpec, auctionIds: readonly string[]): { wire: WireFrame[]; refusals: number } => {
  const known = (pick: number | 'unknown') => (pick === 'unknown' ? 'fz-no-such-auction' : auctionIds[pick % auctionIds.length]!);
  const text = (data: string): WireFrame => ({ data, binary: false });
  switch (spec.kind) {
    case 'refused-json':
      return { wire: [text(jsonText(spec.value))], refusals: 1 };
    case 'not-json':
      return { wire: [text(spec.text)], refusals: 1 };
    case 'binary':
      return { wire: [{ data: Buffer.from(spec.bytes), binary: true }], refusals: 1 };
    case 'oversize':
      return { wire: [text(`{"type":"subscribe","auctionId":"${'x'.repeat(spec.bytes)}"}`)], refusals: 1 };
    case 'bad-utf8':
      return { wire: [{ data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: false }], refusals: 1 };
    case 'subscribe':
      return { wire: [text(JSON.stringify({ type: 'subscribe', auctionId: known(spec.pick), ...(spec.sinceVersion !== undefined ? { sinceVersion: spec.sinceVersion } : {}) }))], refusals: 0 };
    case 'unsubscribe':
      return { wire: [text(JSON.stringify({ type: 'unsubscribe', auctionId: known(spec.pick) }))], refusals: 0 };
    case 'churn': {
      const auctionId = known(spec.pick);
      const wire: WireFrame[] = [];
      for (let i = 0; i < spec.pairs; i++) {
        wire.push(text(JSON.stringify({ type: 'subscribe', auctionId, sinceVersion: i % 3 })), text(JSON.stringify({ type: 'unsubscribe', auctionId })));
      }
      return { wire, refusals: 0 };
    }
  }
};

