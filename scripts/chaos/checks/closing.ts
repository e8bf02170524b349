// Closing is decided in the stream (pure): for every auction that was to end during the run, the
// log holds its AuctionClosed; no BidPlaced comes after it in the stream; every acknowledged bid
// (201) is in the stream before it and was sent before the auction's end by the machine's clock
// (the suite's, which every process but a skewed one shares). Also counted: bids stamped later
// than the moment their answer reached the client, which only a node whose clock runs ahead
// produces (the evidence that a skew was in place: on one machine's clock a bid is decided between
// the request's sending and the answer's arrival).
import type { StreamEntry } from './event-log.js';
import { firstFinal } from './answers.js';
import type { KeyRecord } from '../load/records.js';

export interface ClosingCheck {
  /** Auctions that were to end and have their AuctionClosed. */
  readonly closed: number;
  /** Acknowledged bids on those auctions, all checked against the close. */
  readonly acknowledged: number;
  /** Of those, bids whose placedAt is more than `aheadMs` past the moment their answer reached the client. */
  readonly stampedAhead: number;
  readonly problems: readonly string[];
}

/**
 * @param ending the auctions that were to end during the run, with their end (ms since the epoch)
 * @param events their BidPlaced and AuctionClosed events (closingEvents)
 * @param records every key the run sent
 * @param aheadMs how far past its answer's arrival a bid's stamp must be to count as a skewed node's
 */
export const checkClosing = (ending: ReadonlyMap<string, number>, events: readonly StreamEntry[], records: readonly KeyRecord[], aheadMs = 250): ClosingCheck => {
  const problems: string[] = [];
  const closeVersion = new Map<string, number>();
  for (const e of events) if (e.type === 'AuctionClosed' && ending.has(e.auctionId) && !closeVersion.has(e.auctionId)) closeVersion.set(e.auctionId, e.version);
  for (const [auctionId, endsAt] of ending) {
    if (!closeVersion.has(auctionId)) problems.push(`auction ${auctionId} ended at ${new Date(endsAt).toISOString()} but its stream holds no AuctionClosed`);
  }
  for (const e of events) {
    const closed = closeVersion.get(e.auctionId);
    if (e.type === 'BidPlaced' && closed !== undefined && e.version > closed) problems.push(`auction ${e.auctionId}: bid ${e.bidId ?? '?'} at version ${e.version}, after the AuctionClosed at version ${closed}`);
  }
  const placedAt = new Map(events.filter((e) => e.bidId !== undefined).map((e) => [e.bidId!, e.placedAt]));
  let acknowledged = 0;
  let stampedAhead = 0;
  for (const record of records) {
    const final = firstFinal(record);
    if (final === undefined || final.answer.status !== 201) continue;
    const endsAt = ending.get(record.auctionId);
    if (endsAt === undefined) continue;
    acknowledged += 1;
    const body = final.answer.body as { bidId?: unknown; version?: unknown };
    const stamped = typeof body.bidId === 'string' ? placedAt.get(body.bidId) : undefined;
    if (stamped !== undefined && stamped > final.at + aheadMs) stampedAhead += 1;
    const where = `key ${record.key} (user ${record.userId}, auction ${record.auctionId})`;
    const closed = closeVersion.get(record.auctionId);
    if (closed !== undefined && typeof body.version === 'number' && body.version >= closed) problems.push(`${where} was acknowledged at version ${body.version}, not before the AuctionClosed at version ${closed}`);
    const firstSent = record.attempts[0]?.sentAt ?? final.sentAt;
    if (firstSent >= endsAt) problems.push(`${where} was acknowledged though first sent ${firstSent - endsAt} ms after the auction's end`);
  }
  return { closed: closeVersion.size, acknowledged, stampedAhead, problems };
};
