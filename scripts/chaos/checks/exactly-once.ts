// Every acknowledged bid is in the log exactly once, and nothing else is (pure). The log's bids of
// the run's auctions are matched to the clients' keys by command id, which the command API derives
// from (user, Idempotency-Key) (commands/handler/ids.ts): a key applied twice would show as one
// command id twice, a lost bid as none.
//
// - acknowledged: keys whose first final answer was 201;
// - found: acknowledged keys whose command id is in the log exactly once, with the answer's bidId;
// - lost: acknowledged keys whose command id is not in the log;
// - duplicates: extra rows of one command id or one bidId;
// - mismatched: acknowledged keys whose answer differs from the bid the log holds (bidId, version,
//   currentPrice, leading): a retry answered with something other than the first attempt's effect;
// - wrongly accepted: keys whose first final answer refused the bid, yet the log holds it;
// - strangers: bids in the log that no key of the run sent;
// - unresolved in the log: keys never answered (the run's bound ran out) whose bid the log holds
//   (allowed: the client never learned the outcome; reported).
import type { KeyRecord } from '../load/records.js';
import { firstFinal } from './answers.js';

/** One BidPlaced event of the log, as the check needs it. */
export interface LoggedBid {
  readonly commandId: string;
  readonly bidId: string;
  readonly auctionId: string;
  readonly version: number;
  readonly currentPrice: number;
  /** The outcome was not `outbid`. */
  readonly leading: boolean;
}

export interface ExactlyOnce {
  readonly acknowledged: number;
  readonly found: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly mismatched: number;
  readonly wronglyAccepted: number;
  readonly strangers: number;
  readonly unresolvedInLog: number;
  readonly problems: readonly string[];
}

const countBy = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = out.get(key);
    if (list === undefined) out.set(key, [item]);
    else list.push(item);
  }
  return out;
};

const at = (bid: LoggedBid): string => `auction ${bid.auctionId} version ${bid.version}`;

/**
 * @param records every key the run sent
 * @param logged every BidPlaced event of the run's auctions
 * @param commandIdOf the command id of a key (commandIdFor(userId, key))
 */
export const checkExactlyOnce = (records: readonly KeyRecord[], logged: readonly LoggedBid[], commandIdOf: (record: KeyRecord) => string): ExactlyOnce => {
  const problems: string[] = [];
  const byCommand = countBy(logged, (b) => b.commandId);
  const byBidId = countBy(logged, (b) => b.bidId);
  let duplicates = 0;
  for (const [commandId, rows] of byCommand) {
    if (rows.length > 1) {
      duplicates += rows.length - 1;
      problems.push(`command ${commandId} applied ${rows.length} times: ${rows.map(at).join(', ')}`);
    }
  }
  for (const [bidId, rows] of byBidId) {
    if (rows.length > 1 && new Set(rows.map((r) => r.commandId)).size > 1) {
      duplicates += rows.length - 1;
      problems.push(`bid ${bidId} in the log ${rows.length} times: ${rows.map(at).join(', ')}`);
    }
  }

  let acknowledged = 0;
  let found = 0;
  let lost = 0;
  let mismatched = 0;
  let wronglyAccepted = 0;
  let unresolvedInLog = 0;
  const sent = new Set<string>();
  for (const record of records) {
    const commandId = commandIdOf(record);
    sent.add(commandId);
    const rows = byCommand.get(commandId) ?? [];
    const final = firstFinal(record);
    const where = `key ${record.key} (user ${record.userId}, auction ${record.auctionId})`;
    if (final === undefined) {
      if (rows.length > 0) unresolvedInLog += 1;
      continue;
    }
    if (final.answer.status !== 201) {
      if (rows.length > 0) {
        wronglyAccepted += 1;
        problems.push(`${where} was answered ${final.answer.status} ${final.answer.code ?? ''} but the log holds its bid at ${at(rows[0]!)}`);
      }
      continue;
    }
    acknowledged += 1;
    const row = rows[0];
    if (row === undefined) {
      lost += 1;
      problems.push(`${where} was acknowledged (201, bidId ${String((final.answer.body as { bidId?: unknown }).bidId)}) but its bid is not in the log`);
      continue;
    }
    const body = final.answer.body as { bidId?: unknown; version?: unknown; currentPrice?: unknown; leading?: unknown };
    const expected = { bidId: row.bidId, version: row.version, currentPrice: row.currentPrice, leading: row.leading };
    const differs = (Object.keys(expected) as (keyof typeof expected)[]).filter((k) => body[k] !== expected[k]);
    if (differs.length > 0) {
      mismatched += 1;
      problems.push(`${where} was answered ${differs.map((k) => `${k} ${JSON.stringify(body[k])}`).join(', ')}; the log holds ${differs.map((k) => `${k} ${JSON.stringify(expected[k])}`).join(', ')}`);
    }
    if (rows.length === 1 && body.bidId === row.bidId) found += 1;
  }
  const strangers = logged.filter((b) => !sent.has(b.commandId));
  for (const b of strangers) problems.push(`a bid no client sent is in the log: command ${b.commandId}, ${at(b)}`);
  return { acknowledged, found, lost, duplicates, mismatched, wronglyAccepted, strangers: strangers.length, unresolvedInLog, problems };
};
