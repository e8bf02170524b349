// After a fuzz run: did anything but accepted commands change the log or the read models?
// - every stored event is readable: the log's own codec and the domain's decoder accept it, and
//   every stream's hash chain verifies;
// - every event belongs to a command that answered 2xx: a stream's events, grouped by command id,
//   end at versions that some 2xx answer reported (closings are the scheduler's own commands);
// - the read models equal a projection of the log made from scratch (once the live projector has
//   caught up with the log's head);
// - refused bids are kept only for auctions that exist.
import { isLeft } from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import type { EventLog, RecordedEvent } from '../../domain/index.js';
import { RecordedEventCodec, START, auctionIdOfStream, decodeAccountEvent, decodeSaleEvent, decodeStoredEvent, isAccountStream, isSaleStream, verifyChain } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { pseudonymiser } from '../../infra/index.js';
import { LOG_SOURCE, READ_MODEL_PROJECTION, ReadModelStore, projectBatch, readModelDdl, readModelTableNames } from '../../projections/index.js';
import { checkpointOf, dumpReadModels, headPosition } from '../support/read-model-dump.js';
import { eventually } from '../support/system.js';

const SCRATCH_SUFFIX = '_fuzzcheck';

export const readWholeLog = async (log: EventLog): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  let after = START;
  for (;;) {
    const page = await log.readAll({ after, limit: 1_000 });
    const last = page[page.length - 1];
    if (last === undefined) return events;
    events.push(...page);
    after = last.position;
  }
};

const byStream = (events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> => {
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of events) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
  for (const list of streams.values()) list.sort((a, b) => a.streamVersion - b.streamVersion);
  return streams;
};

/** Problems with the log itself, and events no 2xx answer accounts for. */
export const logProblems = (events: readonly RecordedEvent[], acceptedVersions: ReadonlyMap<string, ReadonlySet<number>>): string[] => {
  const problems: string[] = [];
  for (const e of events) {
    const recorded = RecordedEventCodec.decode(JSON.parse(JSON.stringify(e)));
    if (isLeft(recorded)) problems.push(`${e.streamId}@${e.streamVersion} (${e.type}) is not a RecordedEvent: ${PathReporter.report(recorded).slice(0, 2).join('; ')}`);
    if (isAccountStream(e.streamId)) {
      const account = decodeAccountEvent(e);
      if (!account.ok) problems.push(`${e.streamId}@${e.streamVersion} (${e.type}) does not decode: ${account.problem}`);
      continue;
    }
    if (isSaleStream(e.streamId)) {
      const sale = decodeSaleEvent(e);
      if (isLeft(sale)) problems.push(`${e.streamId}@${e.streamVersion} (${e.type}) does not decode: ${sale.left.slice(0, 300)}`);
      continue;
    }
    const domain = decodeStoredEvent(e);
    if (isLeft(domain)) problems.push(`${e.streamId}@${e.streamVersion} (${e.type}) does not decode: ${domain.left.slice(0, 300)}`);
  }
  for (const [streamId, stream] of byStream(events)) {
    const chain = verifyChain(stream);
    if (!chain.valid) problems.push(`${streamId}: the hash chain breaks at version ${chain.brokenAt}`);
    const auctionId = auctionIdOfStream(streamId) ?? streamId;
    const accepted = acceptedVersions.get(auctionId) ?? new Set<number>();
    for (let i = 0; i < stream.length; i++) {
      const e = stream[i]!;
      const next = stream[i + 1];
      if (next !== undefined && next.metadata.commandId === e.metadata.commandId) continue; // not the command's last event
      const command = stream.filter((x) => x.metadata.commandId === e.metadata.commandId);
      if (command.every((x) => x.type === 'AuctionClosed')) continue; // the scheduler's closing
      if (!accepted.has(e.streamVersion)) {
        problems.push(
          `${streamId}@${e.streamVersion} (${command.map((x) => x.type).join('+')} by user ${JSON.stringify(e.metadata.userId.slice(0, 80))}) was written, `
          + `but no command answered 2xx with version ${e.streamVersion} (2xx versions: ${[...accepted].sort((a, b) => a - b).join(',') || 'none'})`,
        );
      }
    }
  }
  return problems;
};

/** Waits until the live read-model projector's checkpoint is at the log's head; returns that head. */
export const projectorCaughtUp = async (sql: SqlExecutor, log: EventLog, timeoutMs = 30_000): Promise<string> =>
  eventually(async () => {
    const head = await headPosition(log);
    const at = (await checkpointOf(sql, READ_MODEL_PROJECTION, LOG_SOURCE)) ?? START;
    return log.compareLogPositions(at, head) >= 0 ? head : undefined;
  }, 'the read-model projector to reach the head of the log', timeoutMs);

/** The read models, compared with a projection of the whole log into scratch tables. */
export const readModelProblems = async (sql: SqlExecutor, log: EventLog, pseudonymSecret: string): Promise<string[]> => {
  const scratch = readModelTableNames(SCRATCH_SUFFIX);
  const drop = `DROP TABLE IF EXISTS ${scratch.auctionView}, ${scratch.bidHistory}, ${scratch.bidderActivity}, ${scratch.parkedStreams};`;
  const store = new ReadModelStore(scratch);
  const pseudonym = pseudonymiser(pseudonymSecret);
  for (let attempt = 1; ; attempt++) {
    let head: string;
    try {
      head = await projectorCaughtUp(sql, log);
    } catch (err) {
      return [(err as Error).message];
    }
    await sql.exec(`${drop}\n${readModelDdl(SCRATCH_SUFFIX)}`);
    try {
      let after = START;
      for (;;) {
        const page = (await log.readAll({ after, limit: 500 })).filter((e) => log.compareLogPositions(e.position, head) <= 0);
        const last = page[page.length - 1];
        if (last === undefined) break;
        await sql.transaction(async (tx) => void (await projectBatch(tx, store, pseudonym, page)));
        after = last.position;
      }
      const live = await dumpReadModels(sql);
      const fresh = await dumpReadModels(sql, SCRATCH_SUFFIX);
      // The scheduler may have closed an auction meanwhile: compare again at the new head.
      if ((await headPosition(log)) !== head && attempt < 5) continue;
      const problems: string[] = [];
      for (const table of ['auctionView', 'bidHistory', 'bidderActivity'] as const) {
        const a = new Set(live[table]);
        const b = new Set(fresh[table]);
        const extra = [...a].filter((r) => !b.has(r));
        const missing = [...b].filter((r) => !a.has(r));
        if (extra.length + missing.length > 0) {
          problems.push(`read model ${table} differs from a projection of the log: ${extra.length} rows not in it (e.g. ${extra[0]?.slice(0, 200) ?? '-'}), ${missing.length} rows missing (e.g. ${missing[0]?.slice(0, 200) ?? '-'})`);
        }
      }
      return problems;
    } catch (err) {
      return [`projecting the log from scratch failed: ${(err as Error).message.slice(0, 300)}`];
    } finally {
      await sql.exec(drop);
    }
  }
};

/** Refused bids kept for auctions that do not exist (issue 8 item 12: unbounded storage for an attacker). */
export const attemptProblems = async (sql: SqlExecutor, knownAuctions: ReadonlySet<string>): Promise<string[]> => {
  const { rows } = await sql.query<{ auction_id: string; n: number }>('SELECT auction_id, count(*)::integer AS n FROM bid_attempts GROUP BY auction_id');
  const strays = rows.filter((r) => !knownAuctions.has(r.auction_id));
  return strays.length === 0 ? [] : [`bid_attempts keeps ${strays.reduce((n, r) => n + r.n, 0)} refused bids on ${strays.length} auctions that do not exist, e.g. ${JSON.stringify(strays[0]!.auction_id.slice(0, 80))}`];
};
