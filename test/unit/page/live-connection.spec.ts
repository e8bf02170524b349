// The page's live connection as a whole, with a fake WebSocket (the browser's globals are stood in
// for): a signed-in page sends its auth frame first on every connection and when the token
// changes, hands `notification` frames on and the sign-in errors to the app (not to the watched
// auctions), and paces what it sends under the server's frame rate.
import assert from 'node:assert/strict';
import { importPageModule } from '../../support/page-modules.js';
import { eventually } from '../../support/system.js';

type Listener = (event: { data?: unknown; reason?: string }) => void;

class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: Record<string, unknown>[] = [];
  private readonly listeners = new Map<string, Listener[]>();
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = FakeSocket.CLOSED;
    this.emit('close', { reason: '' });
  }
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.emit('open', {});
  }
  receive(frame: unknown): void {
    this.emit('message', { data: JSON.stringify(frame) });
  }
  private emit(type: string, event: { data?: unknown; reason?: string }): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }
}

interface AuthStatus { state: string; userId?: string; message?: string }
interface Connection {
  watch(auctionId: string, watcher: { onSnapshot: (a: unknown) => void; onUpdate: (u: unknown) => void; onError: (code: string, message: string) => void }): () => void;
  authenticate(token: string | undefined): void;
  start(): void;
}
type ConnectionClass = new (options: {
  url: string; onStatus: (s: unknown) => void; onTime: (t: string) => void;
  onAuth: (s: AuthStatus) => void; onNotification: (f: Record<string, unknown>) => void;
}) => Connection;

describe('page: the live connection signs in and paces its frames', () => {
  let LiveConnection: ConnectionClass;
  const saved: Record<string, unknown> = {};
  before(async () => {
    for (const name of ['window', 'WebSocket', 'navigator']) saved[name] = (globalThis as Record<string, unknown>)[name];
    Object.assign(globalThis, { window: { addEventListener: () => undefined }, WebSocket: FakeSocket });
    Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true, writable: true });
    ({ LiveConnection } = await importPageModule<{ LiveConnection: ConnectionClass }>('live.js'));
  });
  after(() => {
    for (const [name, value] of Object.entries(saved)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  });
  beforeEach(() => {
    FakeSocket.all = [];
  });

  const make = () => {
    const auth: AuthStatus[] = [];
    const notices: Record<string, unknown>[] = [];
    const errors: string[] = [];
    const connection = new LiveConnection({
      url: 'ws://test/v1/realtime', onStatus: () => undefined, onTime: () => undefined,
      onAuth: (s) => auth.push(s), onNotification: (f) => notices.push(f),
    });
    const watcher = { onSnapshot: () => undefined, onUpdate: () => undefined, onError: (code: string) => errors.push(code) };
    return { connection, auth, notices, errors, watcher };
  };

  it('sends auth before the subscriptions on every connection, and again when the token changes', () => {
    const { connection, auth, watcher } = make();
    connection.watch('a1', watcher);
    connection.authenticate('token-1');
    const first = FakeSocket.all[0]!;
    first.open();
    assert.deepEqual(first.sent, [{ type: 'auth', token: 'token-1' }, { type: 'subscribe', auctionId: 'a1' }]);
    first.receive({ type: 'authenticated', userId: 'alice', expiresAt: '2026-11-30T00:00:00.000Z' });
    assert.deepEqual(auth.at(-1), { state: 'authenticated', userId: 'alice' });
    connection.authenticate('token-2');
    assert.deepEqual(first.sent.at(-1), { type: 'auth', token: 'token-2' });

    first.close();
    // The reconnection is scheduled with backoff; the test opens the next socket itself once it exists.
    return eventually(async () => FakeSocket.all[1], 'the reconnection', 5_000).then((second) => {
      second.open();
      assert.deepEqual(second.sent.slice(0, 2), [{ type: 'auth', token: 'token-2' }, { type: 'subscribe', auctionId: 'a1' }]);
      connection.authenticate(undefined);
      assert.equal(second.readyState, FakeSocket.CLOSED, 'signing out replaces the socket');
      const third = FakeSocket.all[2]!;
      third.open();
      assert.deepEqual(third.sent, [{ type: 'subscribe', auctionId: 'a1' }], 'signed out: no auth frame');
    });
  });

  it('hands notifications and sign-in errors to the app, not to the watched auctions', () => {
    const { connection, auth, notices, errors, watcher } = make();
    connection.watch('a1', watcher);
    connection.authenticate('token-1');
    const socket = FakeSocket.all[0]!;
    socket.open();
    socket.receive({ type: 'notification', id: 'n1', kind: 'outbid', auctionId: 'a1', title: 'Lamp' });
    socket.receive({ type: 'notification', kind: 'outbid' });
    assert.deepEqual(notices.map((n) => n.id), ['n1']);
    socket.receive({ type: 'error', code: 'TOKEN_EXPIRED', message: 'the token expired' });
    assert.deepEqual(auth.at(-1), { state: 'expired', message: 'the token expired' });
    socket.receive({ type: 'error', code: 'UNAUTHENTICATED', message: 'bad signature' });
    assert.deepEqual(auth.at(-1), { state: 'refused', message: 'bad signature' });
    assert.deepEqual(errors, []);
    socket.receive({ type: 'error', code: 'AUCTION_NOT_FOUND', message: 'x', auctionId: 'a1' });
    assert.deepEqual(errors, ['AUCTION_NOT_FOUND']);
  });

  it('sends at most a burst of 30 frames at once, then the rest in order under the server\'s rate', async () => {
    const { connection, watcher } = make();
    connection.start();
    const socket = FakeSocket.all[0]!;
    socket.open();
    const ids = Array.from({ length: 45 }, (_, i) => `a${i}`);
    for (const id of ids) connection.watch(id, watcher);
    assert.equal(socket.sent.length, 30);
    await eventually(async () => (socket.sent.length === 45 ? true : undefined), 'the paced frames', 10_000);
    assert.deepEqual(socket.sent.map((f) => f.auctionId), ids);
  });
});
