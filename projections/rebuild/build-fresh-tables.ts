// The build phase of a rebuild: the log from its start into the fresh tables, faster than batch
// after batch through the live projector's path, and to the same tables.
//
// The fresh tables have one writer, this rebuild, so the auction rows it folds are kept in memory
// (no per-page load), and written when the log is read, when `rowsPerStatement` auctions have
// ended (those are written and forgotten: no event changes an ended auction), or when more than
// `maxRowsInMemory` auctions are held (then all are written and forgotten). A forgotten auction
// is re-read on its next event. So is each auction's bidder activity: its increments are added up
// in memory and written with the rows (once per bidder and auction, not once per page). Bids and
// parked streams are written per page, in log order, while the next page is read and folded.
// Rows new to the tables (bids; auction rows and activity never written before) go in bulk (COPY
// on PostgreSQL, the store's set-based INSERTs on PGlite), and a duplicate fails the rebuild; rows
// written before are the store's compare-and-set, so a second writer (there should be none) fails
// the rebuild rather than corrupting it. Pages need no transaction of their own: a failed rebuild
// leaves only fresh tables, which the next one drops.
import type { EventLog, LogPosition, RecordedEvent, Upcaster } from '../../domain/index.js';
import { START } from '../../domain/index.js';
import type { Pseudonymiser, SqlExecutor } from '../../infra/index.js';
import type { ActivityDraft, ActivityIncrement, AuctionRow, BidRow, ReadModelStore } from '../read-models/index.js';
import { addActivity, foldAuction } from '../read-models/index.js';
import type { ParkedStream } from '../runtime/index.js';
import { eventsAfter, groupByAuction, parkedStreamOf } from '../runtime/index.js';

export interface BuildOptions {
  readonly sql: SqlExecutor;
  readonly log: Pick<EventLog, 'readAll'>;
  readonly store: ReadModelStore;
  readonly pseudonym: Pseudonymiser;
  readonly batchSize: number;
  readonly projection: string;
  readonly upcasters?: readonly Upcaster[] | undefined;
  /** Auction rows held before all are written (default 100,000). */
  readonly maxRowsInMemory?: number;
  /** Auction rows per statement when they are written (default 5,000). */
  readonly rowsPerStatement?: number;
  readonly onPage?: (events: number, position: LogPosition) => void;
}

/** What one page adds, written in one go after the previous page's writes. */
interface PageWrites {
  readonly bids: BidRow[];
  readonly toPark: { auctionId: string; stream: ParkedStream }[];
}

interface Held {
  row: AuctionRow;
  /** The version the table holds (0: no row yet). */
  written: number;
  /** The leader the table holds (null: none, or no row yet). */
  writtenLeader: string | null;
  /** The bidder activity not yet written, by bidder (the fold's increments, added up in place). */
  activity: Map<string, ActivityDraft>;
}

const heldFrom = (row: AuctionRow, written: number): Held => ({ row, written, writtenLeader: written === 0 ? null : row.leaderId, activity: new Map() });

/** A promise whose rejection is handled later (awaited after other work): not reported as unhandled meanwhile. */
const observed = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => undefined);
  return promise;
};

/**
 * The pseudonymiser with its answers remembered per auction (a bidder bids many times on one
 * auction; by auction, so no key is made per call), for at most `max` auctions at once.
 */
const remembered = (pseudonym: Pseudonymiser, max = 5_000): Pseudonymiser => {
  const known = new Map<string, Map<string, string>>();
  return (auctionId, userId) => {
    let names = known.get(auctionId);
    if (names === undefined) {
      if (known.size >= max) known.clear();
      known.set(auctionId, (names = new Map()));
    }
    let name = names.get(userId);
    if (name === undefined) names.set(userId, (name = pseudonym(auctionId, userId)));
    return name;
  };
};

/** The held activity of these auctions, each flagged by its auction's final leader. */
const incrementsOf = (helds: readonly Held[]): ActivityIncrement[] => {
  const out: ActivityIncrement[] = [];
  for (const h of helds) {
    const leaderId = h.row.leaderId;
    for (const a of h.activity.values()) {
      a.leading = a.bidderId === leaderId;
      out.push(a);
    }
  }
  return out;
};

export const buildFreshTables = async (options: BuildOptions): Promise<{ readonly position: LogPosition; readonly events: number }> => {
  const { sql, log, store, batchSize, projection } = options;
  const pseudonym = remembered(options.pseudonym);
  const maxRows = options.maxRowsInMemory ?? 100_000;
  const perStatement = options.rowsPerStatement ?? 5_000;
  const held = new Map<string, Held>();
  const parked = new Set<string>();
  /** Whether rows were written and forgotten (then an auction not held may have a row). */
  let forgotten = false;
  /** Ended auctions held, to be written and forgotten once there are a statement's worth. */
  const ended = new Set<Held>();
  /** Ended auctions written and forgotten: no event should follow, but one that did would find the row. */
  const flushed = new Set<string>();
  let writing: Promise<void> = Promise.resolve();

  const writeRows = async (helds: Iterable<Held>): Promise<void> => {
    const changed = [...helds].filter((h) => h.row.version !== h.written);
    for (let i = 0; i < changed.length; i += perStatement) {
      const chunk = changed.slice(i, i + perStatement);
      // Auctions never written before have no row and no activity in the table yet: inserted in
      // bulk (COPY on PostgreSQL); the others (re-read after rows were forgotten) compare-and-set.
      const fresh = chunk.filter((h) => h.written === 0);
      const stored = chunk.filter((h) => h.written !== 0);
      await store.insertAuctionsInBulk(sql, fresh.map((h) => h.row));
      await store.writeAuctions(sql, stored.map((h) => ({ row: h.row, expectedVersion: h.written })));
      // The activity as the live projector leaves it: increments flagged by the final leader, and
      // the auction's other bidders recomputed where the stored leader changed.
      const newActivity = incrementsOf(fresh);
      const increments = incrementsOf(stored);
      const newLeaders = stored.filter((h) => h.writtenLeader !== h.row.leaderId).map((h) => ({ auctionId: h.row.auctionId, leaderId: h.row.leaderId }));
      for (const h of chunk) {
        h.written = h.row.version;
        h.writtenLeader = h.row.leaderId;
        h.activity = new Map();
      }
      const perActivityStatement = perStatement * 10;
      for (let j = 0; j < newActivity.length; j += perActivityStatement) {
        await store.insertActivityInBulk(sql, newActivity.slice(j, j + perActivityStatement));
      }
      for (let j = 0; j < increments.length || (j === 0 && newLeaders.length > 0); j += perActivityStatement) {
        await store.writeActivity(sql, increments.slice(j, j + perActivityStatement), j === 0 ? newLeaders : []);
      }
    }
  };

  const fold = async (page: readonly RecordedEvent[]): Promise<PageWrites> => {
    const groups = groupByAuction(page);
    const writes: PageWrites = { bids: [], toPark: [] };
    const missing = [...groups.keys()].filter((id) => !held.has(id) && !parked.has(id) && (forgotten || flushed.has(id))).sort();
    if (missing.length > 0) {
      await writing; // the rows may be being written
      for (const [id, row] of await store.loadAuctions(sql, missing)) held.set(id, heldFrom(row, row.version));
    }
    for (const [auctionId, group] of groups) {
      if (parked.has(auctionId)) continue;
      const before = held.get(auctionId);
      const fresh = eventsAfter(auctionId, before?.row.version ?? 0, group);
      const { changes, unprojectable } = foldAuction(auctionId, before?.row, fresh, pseudonym, options.upcasters);
      if (unprojectable !== undefined) {
        parked.add(auctionId);
        writes.toPark.push({ auctionId, stream: parkedStreamOf(projection, unprojectable) });
      }
      if (changes === undefined) continue;
      let h = before;
      if (h === undefined) held.set(auctionId, (h = heldFrom(changes.row, 0)));
      else h.row = changes.row;
      if (h.row.outcome !== 'live') ended.add(h);
      for (const bid of changes.bids) writes.bids.push(bid);
      for (const increment of changes.activity) {
        const earlier = h.activity.get(increment.bidderId);
        // Copied once when first held, then added up in place.
        if (earlier === undefined) h.activity.set(increment.bidderId, { ...increment });
        else addActivity(earlier, increment);
      }
    }
    return writes;
  };

  const write = async (w: PageWrites): Promise<void> => {
    await store.insertBidsInBulk(sql, w.bids);
    await store.park(sql, w.toPark);
  };

  let position: LogPosition = START;
  let events = 0;
  let reading = observed(log.readAll({ after: START, limit: batchSize }));
  try {
    for (;;) {
      const page = await reading;
      const last = page[page.length - 1];
      if (last === undefined) break;
      // The next page is read while this one is folded and written.
      reading = observed(log.readAll({ after: last.position, limit: batchSize }));
      const writes = await fold(page);
      await writing;
      if (ended.size >= perStatement) {
        // Ended auctions are written with the page's bids and forgotten: the rows held in memory
        // are those of live auctions, and the build's writes are spread over it, not all at its end.
        const done = [...ended];
        ended.clear();
        for (const h of done) {
          held.delete(h.row.auctionId);
          flushed.add(h.row.auctionId);
        }
        writing = observed(write(writes).then(() => writeRows(done)));
      } else {
        writing = observed(write(writes));
      }
      if (held.size > maxRows) {
        await writing;
        await writeRows(held.values());
        held.clear();
        ended.clear();
        forgotten = true;
      }
      position = last.position;
      events += page.length;
      options.onPage?.(events, position);
    }
  } finally {
    // Neither left running unobserved, whatever failed.
    await Promise.allSettled([reading, writing]);
  }
  await writing;
  await writeRows(held.values());
  return { position, events };
};
