// One subscriber of the fan-out suite: a real WebSocket on a plain TCP socket (the RFC 6455
// handshake, its accept key checked), subscribed to one auction, reading every byte the server
// sends. Cheap by design, so that the benchmark measures the server rather than its clients: each
// frame's header is parsed (ws-frames.ts) and its JSON text only looked into at the byte level
// (the type, and the version: every `auction.updated` must carry the version after the last one,
// so frames are checked in order and gap-free on every socket), with one arrival time per chunk
// read (into one buffer the process's sockets share). A sampled subscriber also decodes each frame as a client would (UTF-8, JSON.parse) and
// checks the decoded frame against what the byte-level look found.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { FrameReader, Opcode, acceptKey, clientFrame, startsWith, versionIn } from './ws-frames.js';

const UPDATED = Buffer.from('{"type":"auction.updated"');
const SNAPSHOT = Buffer.from('{"type":"snapshot"');
const TIME = Buffer.from('{"type":"time"');
const HEADER_END = Buffer.from('\r\n\r\n');
/**
 * One read buffer for every socket of the process (net's `onread`): bytes are read into it and
 * handled at once, without a Buffer per read nor a stream event; a frame split over reads is copied.
 */
const READ_BUFFER = Buffer.alloc(256 * 1024);

export interface SubscriberTarget {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly auctionId: string;
}

/** Which of `count` sockets are sampled: `sampled` of them, spread evenly over the connection order. */
export const sampledIndexes = (count: number, sampled: number): Set<number> => {
  const n = Math.min(count, Math.max(0, sampled));
  return new Set(Array.from({ length: n }, (_, i) => Math.floor((i * count) / n)));
};

export class Subscriber {
  /** The version of the snapshot the subscription began with (undefined until it came). */
  snapshotVersion: number | undefined;
  /** Arrival time (on the clock the processes share) of each `auction.updated` frame, in order. */
  readonly arrivals: number[] = [];
  /** The first thing wrong with what this socket received (a gap, a frame out of order, an error frame), if any. */
  problem: string | undefined;
  closed = false;
  private lastVersion = 0;
  private readonly socket: Socket;
  private readonly reader: FrameReader;
  private handshake: Buffer | undefined = Buffer.alloc(0);
  private chunkAt = 0;

  /** Resolves once the snapshot has come; rejects when the socket fails or is refused before that. */
  readonly subscribed: Promise<void>;

  constructor(target: SubscriberTarget, readonly sampled: boolean, private readonly now: () => number) {
    this.reader = new FrameReader((opcode, data, start, end) => this.onFrame(opcode, data, start, end));
    const key = randomBytes(16).toString('base64');
    this.socket = connect({
      host: target.host,
      port: target.port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (length) => {
          this.onRead(READ_BUFFER.subarray(0, length), key, target.auctionId);
          return true;
        },
      },
    });
    this.subscribed = new Promise<void>((resolve, reject) => {
      this.settle = (error) => {
        this.settle = () => undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
    });
    this.socket.once('connect', () => {
      this.socket.write(`GET ${target.path} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
        + `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    this.socket.on('error', (error) => this.settle(error));
    this.socket.once('close', () => {
      this.closed = true;
      this.settle(new Error('the socket closed before its snapshot'));
    });
  }

  /** Frames after the snapshot that carried `auction.updated`. */
  get updates(): number {
    return this.arrivals.length;
  }

  close(): void {
    this.socket.destroy();
  }

  private settle: (error?: Error) => void = () => undefined;

  private fail(problem: string): void {
    this.problem ??= problem;
    this.settle(new Error(problem));
  }

  private onRead(chunk: Buffer, key: string, auctionId: string): void {
    this.chunkAt = this.now();
    try {
      if (this.handshake !== undefined) this.onHandshake(chunk, key, auctionId);
      else this.reader.feed(chunk);
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      this.socket.destroy();
    }
  }

  private onHandshake(chunk: Buffer, key: string, auctionId: string): void {
    const bytes = Buffer.concat([this.handshake!, chunk]);
    const end = bytes.indexOf(HEADER_END);
    if (end < 0) {
      this.handshake = bytes;
      return;
    }
    this.handshake = undefined;
    const head = bytes.subarray(0, end).toString('latin1');
    if (!head.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head.split('\r\n')[0]!}`);
    const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
    if (accept !== acceptKey(key)) throw new Error('wrong Sec-WebSocket-Accept');
    this.socket.write(clientFrame(Opcode.text, Buffer.from(JSON.stringify({ type: 'subscribe', auctionId }))));
    if (bytes.length > end + 4) this.reader.feed(bytes.subarray(end + 4));
  }

  private onFrame(opcode: number, data: Buffer, start: number, end: number): void {
    switch (opcode) {
      case Opcode.text:
        break;
      case Opcode.ping:
        this.socket.write(clientFrame(Opcode.pong, Buffer.from(data.subarray(start, end))));
        return;
      case Opcode.pong:
        return;
      case Opcode.close:
        this.closed = true;
        this.fail(`closed by the server (${end - start >= 2 ? data.readUInt16BE(start) : 'no code'})`);
        return;
      default:
        this.fail(`an unexpected frame (opcode ${opcode})`);
        return;
    }
    if (startsWith(data, start, end, UPDATED)) {
      const version = versionIn(data, start, end);
      if (this.sampled) this.checkDecoded(data, start, end, version);
      if (this.snapshotVersion === undefined) this.fail('auction.updated before the snapshot');
      else if (version !== this.lastVersion + 1) this.fail(`version ${String(version)} after ${this.lastVersion}`);
      else {
        this.lastVersion = version;
        this.arrivals.push(this.chunkAt);
      }
      return;
    }
    if (startsWith(data, start, end, TIME)) return;
    if (startsWith(data, start, end, SNAPSHOT) && this.snapshotVersion === undefined) {
      // Once per socket: decoded whole.
      const snapshot = JSON.parse(data.toString('utf8', start, end)) as { auction?: { version?: unknown } };
      const version = snapshot.auction?.version;
      if (typeof version !== 'number') throw new Error('a snapshot without a version');
      this.snapshotVersion = version;
      this.lastVersion = version;
      this.settle();
      return;
    }
    this.fail(`unexpected frame ${data.toString('utf8', start, Math.min(end, start + 200))}`);
  }

  /** What a full client does with a frame: decode the text, parse the JSON; it must agree with the byte-level look. */
  private checkDecoded(data: Buffer, start: number, end: number, version: number | undefined): void {
    const frame = JSON.parse(data.toString('utf8', start, end)) as { type?: unknown; version?: unknown };
    if (frame.type !== 'auction.updated' || frame.version !== version) this.fail(`decoded frame ${String(frame.type)} v${String(frame.version)} disagrees with the byte-level look (v${String(version)})`);
  }
}
