// The relay's sequencer on its own (no timers, sockets or feed): given what the relay knows, when
// a change, a cache answer or a joining socket comes, then what it publishes, holds and asks for.
// Ends with fast-check properties over interleavings of changes (duplicated, reordered, lost) and
// resyncs: the published versions follow on from the first and are the cache's.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AuctionUpdated } from '../../../domain/index.js';
import type { LiveAuction, LiveChange } from '../../../contracts/index.js';
import { AuctionUpdated as AuctionUpdatedCodec } from '../../../domain/index.js';
import { LiveAuction as LiveAuctionCodec } from '../../../contracts/index.js';
import { decodeOrThrow } from '../../../infra/index.js';
import type { Admission, AfterRead, Moves, Sequence } from '../../../realtime/relay-sequencer.js';
import {
  admission, historyAdmission, needsMissed, newSequence, readStarted, receive, requestSync, ringFrames, subscribed, syncEnded, synced,
} from '../../../realtime/relay-sequencer.js';

// ---- fixtures: an auction at version v, and its frame ------------------------------------------

const auction = (version: number): LiveAuction => decodeOrThrow(LiveAuctionCodec, {
  auctionId: 'a1', title: 'Lamp', description: '', sellerId: 'seller', format: 'english', clock: null, currency: 'EUR',
  startingPrice: 1000, currentPrice: 1000 + 100 * version, bidCount: version, leader: version > 1 ? `bidder-${version % 3}` : null,
  reserveMet: false, startsAt: '2026-03-01T10:00:00.000Z', endsAt: '2026-03-01T11:00:00.000Z', softClose: null,
  createdAt: '2026-03-01T09:00:00.000Z', version, buyNowPrice: null, endedAt: null, outcome: 'live',
}, 'test auction');

const frame = (version: number): AuctionUpdated => decodeOrThrow(AuctionUpdatedCodec, {
  type: 'auction.updated', auctionId: 'a1', version, currentPrice: 1000 + 100 * version, leader: version > 1 ? `bidder-${version % 3}` : null,
  bidCount: version, endsAt: '2026-03-01T11:00:00.000Z', status: 'open', reserveMet: false,
  minimumBid: version > 1 ? 1100 + 100 * version : 1000, buyNowPrice: null,
}, 'test frame');

const change = (version: number): LiveChange => ({ auction: auction(version), frame: frame(version) });
const frames = (from: number, to: number): AuctionUpdated[] => range(from, to).map(frame);
const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const text = (version: number): string => JSON.stringify(frame(version));

/** A relay publishing live at `version`, its ring holding the frames from `ringFrom`. */
const liveAt = (version: number, options: { ringFrom?: number; ringLength?: number } = {}): Sequence => {
  const ring = range(options.ringFrom ?? version + 1, version).map((v) => ({ version: v, text: text(v) }));
  return {
    ...subscribed(newSequence({ ringLength: options.ringLength ?? 8 })),
    latest: auction(version),
    lastVersion: version,
    ring: { frames: ring, from: 0, to: ring.length },
  };
};

/** The same relay while it reads the cache. */
const syncing = (state: Sequence): Sequence => {
  const request = requestSync(state);
  assert.equal(request.run, true);
  return readStarted(request.state);
};

/** Held changes' versions, oldest first. */
const heldVersions = (state: Sequence): number[] => {
  const versions: number[] = [];
  for (let h = state.held; h !== undefined; h = h.older) versions.unshift(h.change.frame.version);
  return versions;
};

// ---- given / when / then -----------------------------------------------------------------------

interface Outcome {
  /** What was published, in order: 'u4' an update to 4, 's7' a snapshot at 7. */
  readonly published: readonly string[];
  readonly lastVersion: number;
  readonly held: readonly number[];
  readonly ring: readonly number[];
  readonly phase: Sequence['phase'];
  readonly resync?: boolean;
  readonly next?: AfterRead;
  /** A step made the auction known (the sockets waiting for it join). */
  readonly firstKnown: boolean;
}

type When = (state: Sequence) => Moves & { readonly resync?: boolean; readonly next?: AfterRead };

const outcome = (moves: ReturnType<When>): Outcome => {
  const published = moves.steps.flatMap((step) => step.publish.map((p) => {
    if (p.kind === 'snapshot') return `s${p.auction.version}`;
    assert.equal(p.text, text(p.version), 'an update is published as the cache framed it');
    return `u${p.version}`;
  }));
  return {
    published,
    lastVersion: moves.state.lastVersion,
    held: heldVersions(moves.state),
    ring: ringFrames(moves.state.ring).map((f) => f.version),
    phase: moves.state.phase,
    ...(moves.resync !== undefined ? { resync: moves.resync } : {}),
    ...(moves.next !== undefined ? { next: moves.next } : {}),
    firstKnown: moves.steps.some((step) => step.firstKnown),
  };
};

const given = (state: Sequence) => ({
  when: (when: When) => {
    const moves = when(state);
    const seen = outcome(moves);
    return {
      /** The outcome has these fields (those not named are not checked). */
      then: (expected: Partial<Outcome>): Sequence => {
        const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, seen[k as keyof Outcome]]));
        assert.deepEqual(picked, expected);
        return moves.state;
      },
    };
  },
});

/** A change arrives from the feed. */
const arrives = (version: number): When => (state) => receive(state, change(version));
/** Several changes arrive, in this order. */
const arriveInTurn = (...versions: number[]): When => (state) => {
  let at = state;
  const steps: Moves['steps'][number][] = [];
  let resync = false;
  for (const version of versions) {
    const moves = receive(at, change(version));
    steps.push(...moves.steps);
    at = moves.state;
    resync ||= moves.resync;
  }
  return { steps, state: at, resync };
};
/** The cache answers a sync round: its state at `current`, and the frames after the relay's version (undefined: gone). */
const cacheAnswers = (current: number | undefined, missed?: readonly number[]): When => (state) =>
  synced(state, state.lastVersion, current === undefined ? undefined : auction(current), missed?.map(frame));

describe('relay sequencer', () => {
  describe('changes from the feed', () => {
    it('publishes the version that follows, and remembers its frame', () => {
      given(liveAt(3, { ringFrom: 2 })).when(arrives(4))
        .then({ published: ['u4'], lastVersion: 4, ring: [2, 3, 4], held: [], resync: false });
    });

    it('ignores a version already published (a duplicate)', () => {
      given(liveAt(3)).when(arriveInTurn(3, 2)).then({ published: [], lastVersion: 3, held: [], resync: false });
    });

    it('keeps the ring to its length', () => {
      given(liveAt(3, { ringFrom: 1, ringLength: 3 })).when(arriveInTurn(4, 5)).then({ published: ['u4', 'u5'], ring: [3, 4, 5] });
    });

    it('holds a version after a hole and asks for a resync', () => {
      given(liveAt(3)).when(arrives(5)).then({ published: [], held: [5], lastVersion: 3, resync: true });
    });

    it('releases held versions in order once the hole is filled (a reorder)', () => {
      given(liveAt(3)).when(arriveInTurn(6, 5, 4))
        .then({ published: ['u4', 'u5', 'u6'], held: [], lastVersion: 6 });
    });

    it('holds every change while the feed is being subscribed or the cache read', () => {
      given(newSequence({ ringLength: 8 })).when(arrives(1)).then({ published: [], held: [1], resync: false, phase: 'subscribing' });
      given(syncing(liveAt(3))).when(arriveInTurn(4, 5)).then({ published: [], held: [4, 5], resync: false, phase: 'syncing' });
    });

    it('makes the auction known with its first change when the first read did not find it', () => {
      const unknown = syncEnded(synced(syncing(subscribed(newSequence({ ringLength: 8 }))), 0, undefined, []).state);
      given(unknown).when(arrives(1)).then({ published: ['u1'], lastVersion: 1, firstKnown: true });
    });

    it('keeps the newest held changes past the bound (a resync recovers the others)', () => {
      const held = arriveInTurn(...range(4, 12))(syncing({ ...liveAt(3), maxHeld: 3 })).state;
      // 4..9 went: the newest three are kept, and the cache behind them makes the relay read again later.
      const behind = given(held).when(cacheAnswers(3, [])).then({ published: [], held: [10, 11, 12], next: 'retry' });
      given(readStarted(requestSync(syncEnded(behind)).state)).when(cacheAnswers(9, range(4, 9)))
        .then({ published: range(4, 12).map((v) => `u${v}`), held: [], next: 'done' });
    });
  });

  describe('reading the cache', () => {
    it('asks for the missed frames only when the relay knows the auction and the cache is ahead', () => {
      assert.equal(needsMissed(liveAt(3), auction(5)), true);
      assert.equal(needsMissed(liveAt(5), auction(5)), false);
      assert.equal(needsMissed(subscribed(newSequence({ ringLength: 8 })), auction(5)), false);
      assert.equal(needsMissed(liveAt(3), undefined), false);
    });

    it('takes the first state it reads without publishing it (the sockets get snapshots)', () => {
      given(syncing(subscribed(newSequence({ ringLength: 8 })))).when(cacheAnswers(5))
        .then({ published: [], lastVersion: 5, ring: [], next: 'done', firstKnown: false });
    });

    it('publishes the missed frames, then releases the held changes that follow', () => {
      const held = arriveInTurn(7, 6)(syncing(liveAt(3))).state;
      given(held).when(cacheAnswers(5, [4, 5, 6])).then({ published: ['u4', 'u5', 'u6', 'u7'], lastVersion: 7, held: [], next: 'done' });
    });

    it('publishes a snapshot when the cache no longer has the missed frames, and forgets its ring', () => {
      given(syncing(liveAt(3, { ringFrom: 1 }))).when(cacheAnswers(9, undefined))
        .then({ published: ['s9'], lastVersion: 9, ring: [], next: 'done' });
      given(syncing(liveAt(3, { ringFrom: 1 }))).when(cacheAnswers(9, [6, 7, 8, 9]))
        .then({ published: ['s9'], lastVersion: 9, ring: [] });
    });

    it('reads again when a request came during the read, or a hole is left after progress', () => {
      given(requestSync(syncing(liveAt(3))).state).when(cacheAnswers(3, [])).then({ next: 'again' });
      const held = arrives(9)(syncing(liveAt(3))).state;
      given(held).when(cacheAnswers(5, [4, 5])).then({ published: ['u4', 'u5'], held: [9], next: 'again' });
    });

    it('reads again later when a hole is left and the read brought nothing new (the cache is behind the feed)', () => {
      const held = arrives(9)(syncing(liveAt(3))).state;
      given(held).when(cacheAnswers(3, [])).then({ published: [], held: [9], next: 'retry' });
    });

    it('runs one read at a time: a request during a read is noted, one before the subscription is not needed', () => {
      const reading = syncing(liveAt(3));
      assert.deepEqual(requestSync(reading), { state: { ...reading, syncAgain: true }, run: false });
      const subscribing = newSequence({ ringLength: 8 });
      assert.deepEqual(requestSync(subscribing), { state: subscribing, run: false });
      assert.equal(syncEnded(reading).phase, 'live');
    });
  });

  describe('sockets joining', () => {
    const join = (state: Sequence, since: number | undefined): Admission => admission(state, since);

    it('makes a socket wait while the auction is unknown', () => {
      assert.deepEqual(join(subscribed(newSequence({ ringLength: 8 })), 2), { kind: 'unknown' });
    });

    it('gives a new socket a snapshot, and a resuming one exactly the frames after its version', () => {
      const state = liveAt(6, { ringFrom: 3 });
      assert.deepEqual(join(state, undefined), { kind: 'snapshot' });
      assert.deepEqual(join(state, 6), { kind: 'frames', texts: [] });
      assert.deepEqual(join(state, 3), { kind: 'frames', texts: [text(4), text(5), text(6)] });
      assert.deepEqual(join(state, 2), { kind: 'frames', texts: range(3, 6).map(text) });
    });

    it('makes a socket ahead of the relay wait, and one behind the ring ask for history', () => {
      const state = liveAt(6, { ringFrom: 3 });
      assert.deepEqual(join(state, 7), { kind: 'ahead' });
      assert.deepEqual(join(state, 1), { kind: 'history' });
    });

    it('serves sockets back from history with the fetched frames and the ring, or a snapshot when a version is gone', () => {
      const state = liveAt(6, { ringFrom: 5 });
      const resume = historyAdmission(state, frames(2, 4));
      assert.deepEqual(resume(1), { kind: 'frames', texts: range(2, 6).map(text) });
      assert.deepEqual(resume(3), { kind: 'frames', texts: range(4, 6).map(text) });
      assert.deepEqual(resume(0), { kind: 'snapshot' });
      assert.deepEqual(historyAdmission(state, undefined)(3), { kind: 'snapshot' });
    });
  });

  // ---- the properties --------------------------------------------------------------------------

  type Action =
    | { kind: 'commit'; count: number }
    | { kind: 'deliver'; pick: number; duplicate: boolean }
    | { kind: 'drop'; pick: number }
    | { kind: 'gap' }
    | { kind: 'read'; late: boolean }
    | { kind: 'timer' };

  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.record({ kind: fc.constant('commit' as const), count: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), duplicate: fc.boolean() }),
    fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), duplicate: fc.boolean() }),
    fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
    fc.constant({ kind: 'gap' as const }),
    fc.record({ kind: fc.constant('read' as const), late: fc.boolean() }),
    fc.record({ kind: fc.constant('read' as const), late: fc.boolean() }),
    fc.constant({ kind: 'timer' as const }),
  );

  /** What one run published, and the cache's version at the end. */
  interface Run {
    readonly first: number;
    readonly published: readonly { readonly kind: 'update' | 'snapshot'; readonly version: number }[];
    readonly state: Sequence;
    readonly head: number;
  }

  /**
   * Drives the sequencer as the relay does (one cache read at a time, in rounds; a read takes the
   * cache's value when it starts or, `late`, when it returns), against a cache at version `head`
   * that keeps `historyLength` frames, and a feed that delivers, duplicates, reorders and loses
   * changes. Checks each publication against the cache as it goes.
   */
  const drive = (initial: number, historyLength: number, actions: readonly Action[]): Run => {
    let head = initial;
    const inFlight: number[] = [];
    const cacheAuction = (): LiveAuction | undefined => (head === 0 ? undefined : auction(head));
    const cacheFrames = (since: number): readonly AuctionUpdated[] | undefined => {
      if (since >= head) return [];
      return Math.max(1, head - historyLength + 1) > since + 1 ? undefined : frames(since + 1, head);
    };
    let state = newSequence({ ringLength: 4 });
    let first: number | undefined;
    const published: { kind: 'update' | 'snapshot'; version: number }[] = [];
    /** The sync round in flight: each read holds the cache's answer as of its call until it returns. */
    let round: {
      readonly before: number;
      current: { value: LiveAuction | undefined; returned: boolean };
      missed?: { readonly since: number; value: readonly AuctionUpdated[] | undefined };
    } | undefined;
    let retryPending = false;

    const take = (moves: Moves): void => {
      for (const step of moves.steps) {
        let known = state.lastVersion;
        if (step.publish.length === 0) {
          // Only the first state read is taken without publishing (the sockets get snapshots).
          assert.equal(state.latest, undefined, `a silent step to ${step.state.lastVersion} after ${known}`);
          first ??= step.state.lastVersion;
          known = step.state.lastVersion;
        }
        for (const p of step.publish) {
          if (p.kind === 'snapshot') {
            assert.ok(p.auction.version > known, `snapshot at ${p.auction.version} after ${known}`);
            assert.ok(p.auction.version <= head);
            assert.deepEqual(p.auction, auction(p.auction.version), 'a snapshot is the cache state');
            published.push({ kind: 'snapshot', version: p.auction.version });
            known = p.auction.version;
          } else {
            assert.equal(p.version, known + 1, `update ${p.version} after ${known}`);
            assert.equal(p.text, text(p.version), 'an update is the cache frame');
            published.push({ kind: 'update', version: p.version });
            known = p.version;
          }
        }
        if (step.firstKnown) first ??= 0;
        state = step.state;
        assert.equal(state.lastVersion, known, 'the state is at the last version published');
      }
      state = moves.state;
    };
    const startRound = (): void => {
      state = readStarted(state);
      round = { before: state.lastVersion, current: { value: cacheAuction(), returned: false } };
    };
    const askSync = (): void => {
      const request = requestSync(state);
      state = request.state;
      if (!request.run) return;
      retryPending = false;
      startRound();
    };
    /** Moves the read in flight on by one reply; `late`: the reply is the cache's value now. */
    const readStep = (late: boolean): void => {
      if (round === undefined) return;
      if (!round.current.returned) {
        round.current = { value: late ? cacheAuction() : round.current.value, returned: true };
        if (needsMissed(state, round.current.value)) {
          round.missed = { since: state.lastVersion, value: cacheFrames(state.lastVersion) };
          return;
        }
      } else if (round.missed !== undefined) {
        if (late) round.missed = { ...round.missed, value: cacheFrames(round.missed.since) };
      }
      const moves = synced(state, round.before, round.current.value, round.missed?.value ?? []);
      take(moves);
      round = undefined;
      if (moves.next === 'again') startRound();
      else {
        state = syncEnded(state);
        if (moves.next === 'retry') retryPending = true;
      }
    };

    state = subscribed(state);
    askSync();
    for (const a of actions) {
      switch (a.kind) {
        case 'commit':
          for (let i = 0; i < a.count; i++) inFlight.push(++head);
          break;
        case 'deliver': {
          if (inFlight.length === 0) break;
          const i = a.pick % inFlight.length;
          const version = inFlight[i]!;
          if (!a.duplicate) inFlight.splice(i, 1);
          const moves = receive(state, change(version));
          take(moves);
          if (moves.resync) askSync();
          break;
        }
        case 'drop':
          if (inFlight.length > 0) inFlight.splice(a.pick % inFlight.length, 1);
          break;
        case 'gap':
          askSync();
          break;
        case 'read':
          readStep(a.late);
          break;
        case 'timer':
          if (retryPending) askSync();
          break;
      }
    }
    // Settle: the feed reconnects (whatever it lost), and reads run to the end against the cache as it is.
    for (let i = 0; i < 100 && (round !== undefined || retryPending || state.lastVersion < head); i++) {
      if (round !== undefined) readStep(true);
      else askSync();
    }
    return { first: first ?? state.lastVersion, published, state, head };
  };

  const arbitraryRun = (history: fc.Arbitrary<number>) =>
    fc.tuple(fc.integer({ min: 0, max: 4 }), history, fc.array(action, { minLength: 1, maxLength: 60 }));

  it('property: with the history kept, the published versions follow on from the first, up to the cache\'s', () => {
    fc.assert(fc.property(arbitraryRun(fc.constant(1_000)), ([initial, historyLength, actions]) => {
      const run = drive(initial, historyLength, actions);
      assert.deepEqual(run.published, range(run.first + 1, run.head).map((version) => ({ kind: 'update', version })));
      assert.equal(run.state.lastVersion, run.head);
      assert.deepEqual(run.state.latest, run.head === 0 ? undefined : auction(run.head));
      assert.equal(run.state.held, undefined);
    }), { numRuns: Number(process.env.SEQUENCER_RUNS ?? 1_000) });
  });

  it('property: with a short history, updates follow on and snapshots only move forward, up to the cache\'s', () => {
    fc.assert(fc.property(arbitraryRun(fc.integer({ min: 1, max: 6 })), ([initial, historyLength, actions]) => {
      const run = drive(initial, historyLength, actions);
      // Each publication was checked as it went (an update follows on, a snapshot moves forward).
      const versions = run.published.map((p) => p.version);
      assert.deepEqual(versions, [...new Set(versions)].sort((a, b) => a - b), 'strictly increasing');
      assert.equal(run.state.lastVersion, run.head);
      assert.equal(run.state.held, undefined);
    }), { numRuns: Number(process.env.SEQUENCER_RUNS ?? 1_000) });
  });
});
