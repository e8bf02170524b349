// The WebSocket wire format (RFC 6455) as far as the fan-out suite's cheap client needs it, pure:
// a streaming reader of the server's frames that finds each frame's opcode and payload bounds in
// the bytes as they come (no UTF-8 decoding, no JSON, no event per frame), the client's masked
// frames, the handshake's accept key, and byte-level looks into a frame's JSON text.
import { createHash, randomBytes } from 'node:crypto';

export const Opcode = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Receives each whole frame: its payload is `data[start..end)` (valid only during the call). */
export type FrameHandler = (opcode: number, data: Buffer, start: number, end: number) => void;

const MAX_HEADER = 10;

/**
 * Splits the server's byte stream into frames. A frame read whole from one chunk is handed over in
 * place; one split over chunks is gathered first. Server frames are never masked; the fan-out's
 * frames are never fragmented (a masked or fragmented frame is reported as an error).
 */
export class FrameReader {
  private readonly header = Buffer.alloc(MAX_HEADER);
  private headerFilled = 0;
  private pending: Buffer | undefined;
  private pendingFilled = 0;
  private pendingOpcode = 0;

  constructor(private readonly onFrame: FrameHandler) {}

  feed(chunk: Buffer): void {
    let pos = 0;
    const length = chunk.length;
    while (pos < length) {
      if (this.pending !== undefined) {
        const take = Math.min(this.pending.length - this.pendingFilled, length - pos);
        chunk.copy(this.pending, this.pendingFilled, pos, pos + take);
        this.pendingFilled += take;
        pos += take;
        if (this.pendingFilled === this.pending.length) {
          const whole = this.pending;
          this.pending = undefined;
          this.onFrame(this.pendingOpcode, whole, 0, whole.length);
        }
        continue;
      }
      // The header, from this chunk alone when it holds it whole (the usual case).
      let source = chunk;
      let at = pos;
      if (this.headerFilled > 0 || length - pos < headerLength(chunk, pos, length)) {
        const need = this.headerFilled < 2 ? 2 : headerLength(this.header, 0, this.headerFilled);
        const take = Math.min(need - this.headerFilled, length - pos);
        chunk.copy(this.header, this.headerFilled, pos, pos + take);
        this.headerFilled += take;
        pos += take;
        if (this.headerFilled < 2 || this.headerFilled < headerLength(this.header, 0, this.headerFilled)) continue;
        source = this.header;
        at = 0;
      }
      const first = source[at]!;
      const second = source[at + 1]!;
      if ((first & 0x80) === 0) throw new Error('a fragmented frame (FIN not set): not expected from the server');
      if ((second & 0x80) !== 0) throw new Error('a masked frame from the server');
      const opcode = first & 0x0f;
      const size = second & 0x7f;
      const payloadLength = size < 126 ? size : size === 126 ? source.readUInt16BE(at + 2) : Number(source.readBigUInt64BE(at + 2));
      const header = size < 126 ? 2 : size === 126 ? 4 : 10;
      if (source === this.header) this.headerFilled = 0;
      else pos += header;
      if (length - pos >= payloadLength) {
        this.onFrame(opcode, chunk, pos, pos + payloadLength);
        pos += payloadLength;
      } else {
        this.pending = Buffer.allocUnsafe(payloadLength);
        this.pendingFilled = 0;
        this.pendingOpcode = opcode;
      }
    }
  }
}

/** The length of the header starting at `data[at]`, as far as `end` tells (2 until the length byte is there). */
const headerLength = (data: Buffer, at: number, end: number): number => {
  if (end - at < 2) return 2;
  const size = data[at + 1]! & 0x7f;
  return size < 126 ? 2 : size === 126 ? 4 : 10;
};

/** A client frame (FIN, masked with a fresh key, as RFC 6455 requires of clients). */
export const clientFrame = (opcode: number, payload: Buffer): Buffer => {
  const size = payload.length;
  const header = size < 126 ? 2 : size < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + size);
  frame[0] = 0x80 | opcode;
  if (size < 126) frame[1] = 0x80 | size;
  else if (size < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(size, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(size), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < size; i++) frame[header + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
};

/** The Sec-WebSocket-Accept a server must answer to `key`. */
export const acceptKey = (key: string): string =>
  createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');

/** Whether the text `data[start..end)` starts with `prefix`. */
export const startsWith = (data: Buffer, start: number, end: number, prefix: Buffer): boolean =>
  end - start >= prefix.length && data.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;

const VERSION_KEY = Buffer.from('"version":');

/**
 * The value of the first `"version":` key in the JSON text `data[start..end)` (a non-negative
 * integer), without decoding the text; undefined when there is none. The server's frames hold no
 * string with that text before the key (their strings are ids, amounts and times).
 */
export const versionIn = (data: Buffer, start: number, end: number): number | undefined => {
  const key = data.indexOf(VERSION_KEY, start);
  if (key < 0 || key + VERSION_KEY.length >= end) return undefined;
  let value = 0;
  let i = key + VERSION_KEY.length;
  const first = i;
  for (; i < end; i++) {
    const digit = data[i]! - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return i === first ? undefined : value;
};
