// Rebuild of the analytics tables (DESIGN.md section 9), as the read models' rebuild does it: run
// the analytics projection from the start of the log into fresh tables (`analytics_auctions_rebuild`,
// ...), then swap them in atomically in one transaction (rebuild-steps.ts swapIn, shared with the
// read models' rebuild): lock the live tables (ACCESS EXCLUSIVE, in
// the order the projector's transactions take them: analytics_auctions first, so the two cannot
// deadlock), catch the fresh tables up to the log's head, check that no live row is ahead of its
// rebuilt one, drop the live tables, rename the fresh ones (with their constraints and indexes)
// into their place, and set the 'analytics' projection's 'log' checkpoint to where it read up to.
// A live analytics projector meanwhile is harmless for the reasons rebuild-read-models.ts gives:
// its Kafka checkpoints are kept, and a live log source finds its checkpoint moved and resumes.
//
// The build applies each page of the log with the live projector's own batch (projectAnalyticsBatch,
// one transaction per page): the figures are sums and facts of each auction's stream, so the same
// events give the same rows whatever the pages. A stream whose event cannot be projected is parked
// in the fresh analytics_parked_streams, as the live projector does, and reported.
import type { EventLog } from '../../domain/index.js';
import { START } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { ANALYTICS_PROJECTION, AnalyticsStore, analyticsDdl, analyticsTableList, analyticsTableNames, projectAnalyticsBatch } from '../analytics/index.js';
import type { CommonRebuildOptions, RebuildReport } from './rebuild-steps.js';
import { catchUp, dropLeftovers, pageSizeOf, swapIn } from './rebuild-steps.js';

type LogReader = Pick<EventLog, 'readAll'>;

export interface AnalyticsRebuildOptions extends CommonRebuildOptions {
  readonly log: LogReader;
}

export const rebuildAnalytics = async (options: AnalyticsRebuildOptions): Promise<RebuildReport> => {
  const started = Date.now();
  const { sql, log } = options;
  const batchSize = pageSizeOf(options);
  const fresh = analyticsTableNames(options.suffix ?? '_rebuild');
  if (fresh.suffix === '') throw new Error('a rebuild needs a table suffix other than the live tables\'');
  const live = analyticsTableNames();
  const store = new AnalyticsStore(fresh);
  const projection = options.projection ?? ANALYTICS_PROJECTION;
  const batchOptions = { projection, upcasters: options.upcasters };
  const applyPage = (tx: SqlExecutor) => async (page: Parameters<typeof projectAnalyticsBatch>[2]) =>
    void (await projectAnalyticsBatch(tx, store, page, batchOptions));

  // Leftovers of an interrupted rebuild are dropped: every rebuild starts from empty tables.
  await sql.transaction(async (tx) => {
    await dropLeftovers(tx, analyticsTableList(fresh));
    await tx.exec(analyticsDdl(fresh.suffix));
  });

  const built = await catchUp(
    log,
    START,
    batchSize,
    (page) => sql.transaction((tx) => applyPage(tx)(page)),
    (events, position) => options.onProgress?.({ phase: 'build', events, position }),
  );
  await options.hooks?.beforeSwap?.();

  return swapIn(options, {
    batchSize,
    built,
    tables: { live: analyticsTableList(live), fresh: analyticsTableList(fresh), liveAuctions: live.auctions, freshAuctions: fresh.auctions, freshParked: fresh.parkedStreams },
    applyPage,
    listParked: (tx) => store.listParked(tx, projection),
    projection,
    started,
  });
};
