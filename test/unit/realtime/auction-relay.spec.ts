// The auction relay: what each socket receives when joins, resumptions, live changes, slow reads,
// lost messages and reconnections interleave. Nothing missed, nothing doubled, in version order.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FakeMember } from './relay-harness.js';
import { RelayHarness, settle } from './relay-harness.js';

const u = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `u${from + i}`);

describe('auction relay', () => {
  let h: RelayHarness;
  afterEach(async () => {
    await h?.relay.stop();
  });

  it('gives a joining socket the snapshot, then every change in order', async () => {
    h = new RelayHarness();
    await h.apply([...h.stream.create(), ...h.stream.bid('alice', 2000)]);
    const m = h.member();
    h.join(m);
    await h.relay.start();
    await h.apply(h.stream.bidding(3));
    assert.deepEqual(m.trace, ['s2', ...u(3, 5)]);
  });

  it('changes published while the first read is in flight are released after it, once (read taken early)', async () => {
    h = new RelayHarness();
    await h.apply([...h.stream.create(), ...h.stream.bid('alice', 2000)]);
    h.feed.holdReads();
    h.feed.readAtCall = true;
    const m = h.member();
    h.join(m);
    const started = h.relay.start();
    await settle();
    await h.apply(h.stream.bidding(3)); // 3..5 arrive while the read (which saw 2) is held
    assert.deepEqual(m.trace, [], 'nothing before the read returns');
    h.feed.releaseReads();
    await started;
    // The read said 2; the buffered 3..5 follow before the waiting socket is let in.
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(m.trace, ['s5', 'u6']);
  });

  it('changes published while the first read is in flight are dropped when the read already has them (read taken late)', async () => {
    h = new RelayHarness();
    await h.apply([...h.stream.create(), ...h.stream.bid('alice', 2000)]);
    h.feed.holdReads();
    const m = h.member();
    h.join(m);
    const started = h.relay.start();
    await settle();
    await h.apply(h.stream.bidding(3));
    h.feed.releaseReads(); // the read sees version 5
    await started;
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(m.trace, ['s5', 'u6']);
  });

  it('a socket joining a running relay gets a snapshot at the version published, then what follows', async () => {
    h = new RelayHarness();
    await h.apply(h.stream.create());
    const first = h.member();
    h.join(first);
    await h.relay.start();
    await h.apply(h.stream.bidding(2));
    const second = h.member();
    h.join(second);
    await h.apply(h.stream.bidding(2));
    assert.deepEqual(first.trace, ['s1', ...u(2, 5)]);
    assert.deepEqual(second.trace, ['s3', 'u4', 'u5']);
  });

  it('resumes from the frames it holds: exactly the versions after sinceVersion', async () => {
    h = new RelayHarness();
    await h.apply(h.stream.create());
    h.join(h.member());
    await h.relay.start();
    await h.apply(h.stream.bidding(5));
    const resumed = h.member();
    h.join(resumed, 3);
    assert.deepEqual(resumed.trace, u(4, 6), 'synchronously');
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(resumed.trace, u(4, 7));
    const upToDate = h.member();
    h.join(upToDate, 7);
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(upToDate.trace, ['u8']);
  });

  it('resumes beyond its own frames from the cache history, with the changes published during the read', async () => {
    h = new RelayHarness({ ringLength: 2 });
    await h.apply([...h.stream.create(), ...h.stream.bidding(4)]);
    h.join(h.member());
    await h.relay.start();
    await h.apply(h.stream.bidding(2)); // relay holds 6, 7 only
    h.feed.holdReads();
    h.feed.readAtCall = true; // the history read sees up to 7
    const resumed = h.member();
    h.join(resumed, 2);
    await h.apply(h.stream.bidding(2)); // 8, 9 published while the history is read
    assert.deepEqual(resumed.trace, []);
    h.feed.releaseReads();
    await settle();
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(resumed.trace, u(3, 10));
  });

  it('sends a fresh snapshot when the history no longer reaches back', async () => {
    h = new RelayHarness({ ringLength: 2, historyLength: 3 });
    await h.apply([...h.stream.create(), ...h.stream.bidding(7)]);
    h.join(h.member());
    await h.relay.start();
    const resumed = h.member();
    h.join(resumed, 1);
    await settle();
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(resumed.trace, ['s8', 'u9']);
  });

  it('sockets resuming at once cost one history read; one asking for older history waits for the next read', async () => {
    h = new RelayHarness({ ringLength: 2 });
    await h.apply([...h.stream.create(), ...h.stream.bidding(9)]); // versions 1..10
    h.join(h.member());
    await h.relay.start();
    h.feed.holdReads();
    const resuming = Array.from({ length: 100 }, (_, i) => {
      const m = h.member();
      h.join(m, 3 + (i % 3)); // 3, 4 or 5: all beyond the relay's two frames
      return m;
    });
    const older = h.member();
    h.join(older, 1); // asks for more than the read in flight brings
    assert.equal(h.feed.calls.framesAfter, 1, 'one read for the hundred');
    assert.equal(h.relay.pendingReads, 1);
    h.feed.releaseReads();
    await settle();
    assert.equal(h.feed.calls.framesAfter, 2, 'the older one needed a second read, no more');
    assert.equal(h.relay.pendingReads, 0);
    for (const [i, m] of resuming.entries()) assert.deepEqual(m.trace, u(4 + (i % 3), 10));
    assert.deepEqual(older.trace, u(2, 10));
  });

  it('churn: a socket that subscribes and leaves a thousand times costs one read; an idle relay stops once its read settled', async () => {
    h = new RelayHarness({ ringLength: 2, lingerMs: 0 });
    await h.apply([...h.stream.create(), ...h.stream.bidding(9)]);
    const keeper = h.member();
    h.join(keeper);
    await h.relay.start();
    h.feed.holdReads();
    const churner = h.member();
    for (let i = 0; i < 1000; i++) {
      h.join(churner, 2);
      h.relay.leave(churner);
    }
    assert.equal(h.feed.calls.framesAfter, 1);
    h.relay.leave(keeper);
    await settle();
    assert.equal(h.stopped, false, 'it waits for its own read rather than leave it behind');
    const back = h.member();
    h.join(back); // a socket coming back meanwhile finds the same relay
    h.relay.leave(back);
    h.feed.releaseReads();
    await settle();
    assert.equal(h.stopped, true);
    assert.equal(h.relay.pendingReads, 0);
    assert.deepEqual(churner.trace, [], 'nothing is sent to a socket that left');
    assert.deepEqual(back.trace, ['s10']);
    assert.equal(h.cache.subscribedAuctions(), 0);
  });

  it('a socket ahead of the node joins when the node reaches its version, without doubles', async () => {
    h = new RelayHarness();
    await h.apply([...h.stream.create(), ...h.stream.bidding(2)]);
    h.feed.dropNext = 2; // the node misses nothing yet, but is slow to hear of 4 and 5
    const base = h.member();
    h.join(base);
    await h.relay.start();
    const ahead = h.member();
    h.join(ahead, 5); // learnt of 5 elsewhere (another node, the HTTP answer)
    await h.apply(h.stream.bidding(3)); // 4, 5 dropped: the relay recovers them on 6
    await settle();
    assert.deepEqual(base.trace, ['s3', ...u(4, 6)]);
    assert.deepEqual(ahead.trace, ['u6']);
  });

  it('a socket ahead for too long gets a snapshot', async () => {
    h = new RelayHarness({ aheadWaitMs: 20 });
    await h.apply(h.stream.create());
    const ahead = h.member();
    h.join(ahead, 9);
    await h.relay.start();
    await new Promise((resolve) => setTimeout(resolve, 40));
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(ahead.trace, ['s1', 'u2']);
  });

  it('recovers a change pub/sub lost: the next change reveals the hole and the cache fills it', async () => {
    h = new RelayHarness();
    await h.apply(h.stream.create());
    const m = h.member();
    h.join(m);
    await h.relay.start();
    h.feed.dropNext = 1;
    await h.apply(h.stream.bidding(1)); // 2 lost
    assert.deepEqual(m.trace, ['s1']);
    await h.apply(h.stream.bidding(1)); // 3 reveals it
    await settle();
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(m.trace, ['s1', ...u(2, 4)]);
  });

  it('after a reconnection, publishes what was missed without waiting for the next change', async () => {
    h = new RelayHarness();
    await h.apply(h.stream.create());
    const m = h.member();
    h.join(m);
    await h.relay.start();
    h.feed.dropNext = 3;
    await h.apply(h.stream.bidding(3));
    h.feed.reportGap();
    await settle();
    assert.deepEqual(m.trace, ['s1', ...u(2, 4)]);
  });

  it('publishes a snapshot on the topic when the missed changes are no longer in the history', async () => {
    h = new RelayHarness({ historyLength: 2 });
    await h.apply(h.stream.create());
    const m = h.member();
    h.join(m);
    await h.relay.start();
    h.feed.dropNext = 5;
    await h.apply(h.stream.bidding(5));
    h.feed.reportGap();
    await settle();
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(m.trace, ['s1', 's6', 'u7']);
  });

  it('waits for an auction the cache does not know yet, then answers AUCTION_NOT_FOUND', async () => {
    h = new RelayHarness({ notFoundGraceMs: 30 });
    const early = h.member();
    h.join(early);
    await h.relay.start();
    await h.apply(h.stream.create()); // created within the grace: delivered
    assert.deepEqual(early.trace, ['s1']);

    const h2 = new RelayHarness({ notFoundGraceMs: 30 });
    const late = h2.member();
    h2.join(late);
    await h2.relay.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(late.errors, [{ auctionId: h2.auctionId, code: 'AUCTION_NOT_FOUND' }]);
    assert.equal(h2.stopped, true, 'the relay left the feed');
    assert.equal(h2.cache.subscribedAuctions(), 0);
  });

  it('leaves the feed when the last socket leaves (at once, or after lingering)', async () => {
    h = new RelayHarness({ lingerMs: 0 });
    await h.apply(h.stream.create());
    const a = h.member();
    const b = h.member();
    h.join(a);
    h.join(b);
    await h.relay.start();
    assert.equal(h.cache.subscribedAuctions(), 1);
    h.relay.leave(a);
    await settle();
    assert.equal(h.cache.subscribedAuctions(), 1);
    assert.equal(a.topics.size, 0);
    h.relay.leave(b);
    await settle();
    assert.equal(h.cache.subscribedAuctions(), 0);
    assert.equal(h.stopped, true);

    const lingering = new RelayHarness({ lingerMs: 30 });
    await lingering.apply(lingering.stream.create());
    const c = lingering.member();
    lingering.join(c);
    await lingering.relay.start();
    lingering.relay.leave(c);
    await settle();
    assert.equal(lingering.stopped, false, 'still following while it lingers');
    const d = lingering.member();
    lingering.join(d); // back within the linger: same feed, snapshot at once
    assert.deepEqual(d.trace, ['s1']);
    lingering.relay.leave(d);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(lingering.stopped, true);
  });

  it('a resubscription starts over from the version the socket gives', async () => {
    h = new RelayHarness();
    await h.apply(h.stream.create());
    const m = h.member();
    h.join(m);
    await h.relay.start();
    await h.apply(h.stream.bidding(3));
    h.join(m, 2);
    await h.apply(h.stream.bidding(1));
    assert.deepEqual(m.trace, ['s1', ...u(2, 4), 'u3', 'u4', 'u5']);
  });

  it('tells the sockets when the feed cannot be subscribed or read', async () => {
    h = new RelayHarness();
    h.feed.subscribeFails = true;
    const m = h.member();
    h.join(m);
    await h.relay.start();
    assert.deepEqual(m.errors.map((e) => e.code), ['LIVE_FEED_UNAVAILABLE']);
    assert.equal(h.stopped, true);

    const h2 = new RelayHarness();
    h2.feed.readsFail = true;
    const n = h2.member();
    h2.join(n);
    await h2.relay.start();
    assert.deepEqual(n.errors.map((e) => e.code), ['LIVE_FEED_UNAVAILABLE']);
    assert.equal(h2.cache.subscribedAuctions(), 0);
  });

  // ---- the property ---------------------------------------------------------------------------

  type Action =
    | { kind: 'change'; count: number }
    | { kind: 'join'; member: number; resume: 'none' | 'current' | 'back'; back: number }
    | { kind: 'leave'; member: number }
    | { kind: 'drop'; count: number }
    | { kind: 'gap' }
    | { kind: 'step' };

  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.record({ kind: fc.constant('change' as const), count: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('join' as const), member: fc.integer({ min: 0, max: 3 }), resume: fc.constantFrom('none' as const, 'current' as const, 'back' as const), back: fc.integer({ min: 0, max: 8 }) }),
    fc.record({ kind: fc.constant('leave' as const), member: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('drop' as const), count: fc.integer({ min: 1, max: 3 }) }),
    fc.constant({ kind: 'gap' as const }),
    fc.constant({ kind: 'step' as const }),
    fc.constant({ kind: 'step' as const }),
  );

  /** Each join's frames: versions rise by exactly one per update; a snapshot only moves forward. */
  const checkMember = (member: FakeMember, label: string) => {
    let held: number | undefined;
    for (const r of member.received) {
      if (r.kind === 'joined') {
        held = r.sinceVersion;
        continue;
      }
      if (r.kind === 'snapshot') {
        assert.ok(held === undefined || r.version > held, `${label}: snapshot at ${r.version} after holding ${held} (${member.trace.join(' ')})`);
      } else {
        assert.ok(held !== undefined, `${label}: update ${r.version} before any snapshot (${member.trace.join(' ')})`);
        assert.equal(r.version, held + 1, `${label}: update ${r.version} after holding ${held} (${member.trace.join(' ')})`);
      }
      held = r.version;
    }
  };

  it('property: under any interleaving, every socket sees each version once, in order, up to the latest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 10 }),
        fc.boolean(),
        fc.array(action, { minLength: 1, maxLength: 40 }),
        async (s, initial, ringLength, historyLength, readAtCall, actions) => {
          const harness = new RelayHarness({ ringLength, historyLength, lingerMs: 60_000 });
          h = harness;
          harness.feed.defer = (read) => s.schedule(Promise.resolve()).then(read);
          harness.feed.readAtCall = readAtCall;
          if (initial > 0) await harness.apply([...harness.stream.create(), ...harness.stream.bidding(initial - 1)]);
          const members = [0, 1, 2, 3].map((i) => harness.member(`m${i}`));
          const joined = new Set<FakeMember>();
          const started = harness.relay.start();
          // An idle relay whose auction was unknown when its read settled stops at once, and the
          // server's registry starts a new relay for the next socket. This property follows one
          // relay: a join that finds it stopped ends the run.
          run: for (const a of actions) {
            switch (a.kind) {
              case 'change': {
                const events = (await harness.version()) === 0 ? [...harness.stream.create(), ...harness.stream.bidding(a.count - 1)] : harness.stream.bidding(a.count);
                if (events.length > 0) await harness.apply(events);
                break;
              }
              case 'join': {
                const member = members[a.member]!;
                const version = await harness.version();
                // A client resumes from a version it could hold: one it saw, at most the cache's.
                const since = a.resume === 'none' || member.heldVersion === undefined ? undefined
                  : a.resume === 'current' ? member.heldVersion : Math.max(0, member.heldVersion - a.back);
                if (harness.relay.isStopped) break run;
                harness.join(member, since !== undefined && since <= version ? since : undefined);
                joined.add(member);
                break;
              }
              case 'leave':
                harness.relay.leave(members[a.member]!);
                joined.delete(members[a.member]!);
                members[a.member]!.received.push({ kind: 'joined', sinceVersion: undefined });
                break;
              case 'drop':
                harness.feed.dropNext += a.count;
                break;
              case 'gap':
                harness.feed.reportGap();
                break;
              case 'step':
                if (s.count() > 0) await s.waitNext(1);
                break;
            }
          }
          // Settle: everything scheduled runs; then one more change, which any hole left behind reveals.
          harness.feed.dropNext = 0;
          await s.waitIdle();
          await started;
          if ((await harness.version()) === 0) await harness.apply(harness.stream.create());
          await harness.apply(harness.stream.bidding(1));
          const latest = await harness.version();
          // A stale read makes the relay read again after a (1 ms) delay: let those retries run.
          for (let i = 0; i < 50; i++) {
            await s.waitIdle();
            if ([...joined].every((m) => m.heldVersion === latest)) break;
            await new Promise((resolve) => setTimeout(resolve, 3));
          }
          for (const member of members) checkMember(member, member.name);
          for (const member of joined) {
            assert.equal(member.heldVersion, latest, `${member.name} ends at ${member.heldVersion}, the cache at ${latest} (${member.trace.join(' ')})`);
          }
          await harness.relay.stop();
        },
      ),
      { numRuns: Number(process.env.RELAY_RUNS ?? 300) },
    );
  });
});
