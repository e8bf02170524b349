// What a client may send (DESIGN.md section 6), as io-ts codecs, and the parser that turns any text
// into either a frame or the error frame that answers it. Nothing a client sends can throw.
import * as t from 'io-ts';
import { AuctionId, Count } from '../domain/index.js';
import type { ErrorFrame } from './server-frames.js';

export const SubscribeFrame = t.intersection([
  t.type({ type: t.literal('subscribe'), auctionId: AuctionId }),
  /** The last version the client holds: it gets the frames after it instead of a snapshot. */
  t.partial({ sinceVersion: Count }),
], 'SubscribeFrame');
export type SubscribeFrame = t.TypeOf<typeof SubscribeFrame>;

export const UnsubscribeFrame = t.type({ type: t.literal('unsubscribe'), auctionId: AuctionId }, 'UnsubscribeFrame');
export type UnsubscribeFrame = t.TypeOf<typeof UnsubscribeFrame>;

/** A bearer token the socket signs in with (never in the URL): its user's notifications follow. */
export const AuthFrame = t.type({ type: t.literal('auth'), token: t.refinement(t.string, (s) => s.length > 0 && s.length <= 8192, 'a token of 1 to 8192 characters') }, 'AuthFrame');
export type AuthFrame = t.TypeOf<typeof AuthFrame>;

export const ClientFrame = t.union([SubscribeFrame, UnsubscribeFrame, AuthFrame], 'ClientFrame');
export type ClientFrame = t.TypeOf<typeof ClientFrame>;

const frameCodecs: Readonly<Record<ClientFrame['type'], { readonly codec: t.Decoder<unknown, ClientFrame>; readonly keys: readonly string[] }>> = {
  subscribe: { codec: SubscribeFrame, keys: ['type', 'auctionId', 'sinceVersion'] },
  unsubscribe: { codec: UnsubscribeFrame, keys: ['type', 'auctionId'] },
  auth: { codec: AuthFrame, keys: ['type', 'token'] },
};

export type ParsedClientFrame = { readonly ok: true; readonly frame: ClientFrame } | { readonly ok: false; readonly error: ErrorFrame };

const refuse = (code: ErrorFrame['code'], message: string, auctionId?: unknown): ParsedClientFrame => ({
  ok: false,
  error: { type: 'error', code, message, ...(typeof auctionId === 'string' && AuctionId.is(auctionId) ? { auctionId } : {}) },
});

const describe = (errors: t.Errors): string =>
  errors
    .map((e) => {
      const path = e.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k)).join('.');
      return `${path === '' ? 'frame' : path}: ${e.message ?? `expected ${e.context[e.context.length - 1]?.type.name ?? 'something else'}`}`;
    })
    .filter((line, i, all) => all.indexOf(line) === i)
    .join('; ');

/** Parses one text frame of at most `maxBytes` bytes (UTF-8). */
export const parseClientFrame = (text: string, byteLength: number, maxBytes: number): ParsedClientFrame => {
  if (byteLength > maxBytes) return refuse('FRAME_TOO_LARGE', `frames may be at most ${maxBytes} bytes; this one has ${byteLength}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse('INVALID_JSON', 'a frame must be one JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse('INVALID_FRAME', 'a frame must be a JSON object with a "type"');
  const object = value as Record<string, unknown>;
  const type = object.type;
  if (typeof type !== 'string') return refuse('INVALID_FRAME', 'a frame must have a string "type"');
  if (!Object.hasOwn(frameCodecs, type)) {
    return refuse('UNKNOWN_FRAME_TYPE', `unknown frame type ${JSON.stringify(type.slice(0, 64))}; expected ${Object.keys(frameCodecs).join(' or ')}`);
  }
  const { codec, keys } = frameCodecs[type as ClientFrame['type']];
  const unknown = Object.keys(object).filter((key) => !keys.includes(key));
  if (unknown.length > 0) return refuse('INVALID_FRAME', `unknown field(s) ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 64))).join(', ')} in a ${type} frame`, object.auctionId);
  const decoded = codec.decode(object);
  if (decoded._tag === 'Left') return refuse('INVALID_FRAME', describe(decoded.left), object.auctionId);
  return { ok: true, frame: decoded.right };
};
