// Fault: a command node's clock 2 s ahead of the others. The second command-api node is restarted
// under libfaketime (Debian's `faketime` package: LD_PRELOAD=libfaketime.so.1 FAKETIME=+2s, the
// monotonic clock left alone), so everything it stamps and decides by time (a bid's placedAt, "has
// the auction ended?") runs 2 s ahead of the scheduler and the other node; the skew is checked on
// its HTTP Date header. Half of the run's auctions end while it runs (6 to 13 s after their
// creation); once the scheduler has closed them all, the node is restarted with the true clock.
// What it costs: the skewed node refuses bids (409 AUCTION_NOT_OPEN) in the last 2 s before an
// end, which the other node still accepts; nothing else.
// Must hold: closing is still decided in the stream: every auction that ended has its
// AuctionClosed; no BidPlaced after it; every acknowledged bid is in the stream before it and was
// sent before the end; and the skew was real (bids stamped ahead by the skewed node).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkClosing, closingEvents } from '../checks/index.js';
import type { Fault } from './fault.js';
import type { ChaosTarget } from '../target/index.js';
import { nodesWithRole, since } from './nodes.js';

const SKEW_SECONDS = 2;

/** libfaketime's library: FAKETIME_LIB, else where Debian's package puts it (/usr/lib/<arch>/faketime/). */
export const findLibfaketime = (): string | undefined => {
  const given = process.env.FAKETIME_LIB;
  if (given !== undefined && given !== '') return existsSync(given) ? given : undefined;
  const folders = ['/usr/lib', ...(existsSync('/usr/lib') ? readdirSync('/usr/lib').map((d) => join('/usr/lib', d)) : [])];
  return folders.map((f) => join(f, 'faketime', 'libfaketime.so.1')).find((candidate) => existsSync(candidate));
};

/** Even-numbered auctions end during the run, 6 to 13 s after their creation; the others outlive it. */
const endsDuringRun = (index: number): boolean => index % 2 === 0;
const endsAfterMs = (index: number): number => (endsDuringRun(index) ? 6_000 + index * 600 : 60 * 60_000);

const skewedNode = (target: ChaosTarget): string | undefined => nodesWithRole(target, 'command-api').at(-1)?.name;

/** How far ahead of this machine's clock the node's HTTP Date header reads (whole seconds, so ±1 s). */
const dateHeaderAhead = async (opsUrl: string): Promise<number | undefined> => {
  try {
    const before = Date.now();
    const response = await fetch(`${opsUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    const date = Date.parse(response.headers.get('date') ?? '');
    return Number.isFinite(date) ? (date - Math.floor(before / 1000) * 1000) / 1000 : undefined;
  } catch {
    return undefined;
  }
};

export const clockSkew = (): Fault => {
  let library: string | undefined;
  let skewed: string | undefined;
  let measured: number | undefined;
  return {
    name: 'clock-skew',
    title: `a command node's clock ${SKEW_SECONDS} s ahead of the others (libfaketime) while auctions end`,
    mustHold: 'closing is still decided in the stream; no bid accepted after the close event',
    unavailable: (target) => {
      library = findLibfaketime();
      if (library === undefined) return "libfaketime is not installed (Debian's faketime package: apt-get install faketime)";
      return nodesWithRole(target, 'command-api').length < 2 ? 'needs two command-api nodes (one skewed, one not)' : undefined;
    },
    prepare: async ({ target, say }) => {
      const name = skewedNode(target)!;
      skewed = name;
      await target.restart(name, { LD_PRELOAD: library!, FAKETIME: `+${SKEW_SECONDS}s`, FAKETIME_DONT_FAKE_MONOTONIC: '1' });
      measured = await dateHeaderAhead(target.nodes.find((n) => n.name === name)!.opsUrl);
      say(`${name} restarted with its clock +${SKEW_SECONDS} s (its Date header reads ${measured ?? '?'} s ahead)`);
    },
    endsAfterMs,
    inject: async ({ target, sql, auctionIds, say }) => {
      const started = Date.now();
      const ending = auctionIds.filter((_, i) => endsDuringRun(i));
      const deadline = Date.now() + Math.max(...auctionIds.map((_, i) => (endsDuringRun(i) ? endsAfterMs(i) : 0))) + 30_000;
      say(`waiting for the scheduler to close ${ending.length} auctions ending while the skewed node runs`);
      for (;;) {
        const closed = new Set((await closingEvents(sql, ending).catch(() => [])).filter((e) => e.type === 'AuctionClosed').map((e) => e.auctionId));
        if (closed.size === ending.length) break;
        if (Date.now() > deadline) {
          say(`only ${closed.size} of ${ending.length} closed by the deadline`);
          break;
        }
        await sleep(250);
      }
      say(`closes done ${since(started)} into the fault; restarting ${skewed!} with the true clock`);
      await target.restart(skewed!);
    },
    check: async ({ sql, auctionIds, endsAt, records }) => {
      const ending = new Map([...endsAt].filter(([id]) => endsDuringRun(auctionIds.indexOf(id))));
      const result = checkClosing(ending, await closingEvents(sql, [...ending.keys()]), records);
      const problems = [...result.problems];
      if (result.stampedAhead === 0) problems.push(`no bid was stamped ahead of its answer: the skew of ${skewed ?? 'the node'} did not take`);
      return {
        problems,
        summary: `${result.closed} of ${ending.size} auctions closed in their streams while the skewed node ran; ${result.acknowledged} acknowledged bids on them, all before the close and the end, ` +
          `${result.stampedAhead} of them stamped later than their answer arrived (${skewed ?? 'the skewed node'}'s; its Date header read ${measured ?? '?'} s ahead)`,
      };
    },
  };
};
