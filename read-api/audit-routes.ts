// Auditors' reads (DESIGN.md section 5): the full bid history with real ids, maximums, stream
// versions, log positions and hashes; refused attempts; exports streamed as NDJSON or CSV; and
// the re-verification of an auction's hash chain straight from the event log, optionally against
// a signed checkpoint of the log (`?checkpoint=N`), which also exposes truncation and rewrites.
import type { Response, Router } from 'express';
import type { RecordedEvent } from '../domain/index.js';
import { checkStreamAgainstSignedCheckpoint, isTamperFinding, streamIdOf, verifyChain } from '../domain/index.js';
import { decodeRequest, requireRole } from '../infra/index.js';
import { attemptPage, attemptsSealed, auditBidPage, auditKnows } from './bid-queries.js';
import type { ReadContext } from './context.js';
import { auditCaching, awaitMinVersion } from './context.js';
import type { StreamFormat } from './export-stream.js';
import { keysetPages, negotiateFormat, startExport, writeExport } from './export-stream.js';
import { auctionNotFound } from './min-version.js';
import { archiveOf, checkpointNotFound } from './checkpoint-routes.js';
import { AttemptsQuery, AuctionParams, AuditBidsQuery, DEFAULT_AUDIT_PAGE, VerifyQuery, attemptsCursor, auditBidsCursor } from './params.js';
import type { AttemptPage, AuditBid, AuditBidPage, BidAttemptView, ChainReport, CheckpointFindingView } from './responses.js';
import { attemptColumns, auditBidColumns } from './responses.js';

const startAuditExport = (res: Response, format: StreamFormat, filename: string): void => {
  auditCaching(res);
  startExport(res, format, filename);
};

export const mountAuditRoutes = (router: Router, ctx: ReadContext): void => {
  const { sql, pseudonym } = ctx;
  const auditor = requireRole('auditor');

  router.get('/v1/audit/auctions/:id/bids', auditor, async (req, res) => {
    const { params, query } = decodeRequest(req, { params: AuctionParams, query: AuditBidsQuery });
    const format = negotiateFormat(req, query.format);
    await awaitMinVersion(ctx, res, params.id, query.minVersion);
    if (!(await auditKnows(sql, params.id))) throw auctionNotFound(params.id);
    const afterVersion = query.cursor?.av ?? 0;
    if (format === 'json') {
      const limit = query.limit ?? DEFAULT_AUDIT_PAGE;
      const rows = await auditBidPage(sql, params.id, afterVersion, limit + 1);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      const body: AuditBidPage = {
        auctionId: params.id,
        items,
        nextCursor: rows.length > limit && last !== undefined ? auditBidsCursor.encode({ av: last.version }) : null,
      };
      auditCaching(res);
      res.json(body);
      return;
    }
    const pages = keysetPages<AuditBid, number>(afterVersion, (after, limit) => auditBidPage(sql, params.id, after, limit), (row) => row.version, ctx.exportPageSize);
    await writeExport(res, format, auditBidColumns, pages, () => startAuditExport(res, format, `auction-${params.id}-bids`));
  });

  router.get('/v1/audit/auctions/:id/attempts', auditor, async (req, res) => {
    const { params, query } = decodeRequest(req, { params: AuctionParams, query: AttemptsQuery });
    const format = negotiateFormat(req, query.format);
    if (!(await auditKnows(sql, params.id))) throw auctionNotFound(params.id);
    const afterId = query.cursor?.at ?? '0';
    // A sealed auction's attempts show once it has closed, like its bids.
    const page = (await attemptsSealed(sql, params.id))
      ? async (): Promise<BidAttemptView[]> => []
      : (after: string, limit: number) => attemptPage(sql, pseudonym, params.id, after, limit);
    if (format === 'json') {
      const limit = query.limit ?? DEFAULT_AUDIT_PAGE;
      const rows = await page(afterId, limit + 1);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      const body: AttemptPage = {
        auctionId: params.id,
        items,
        nextCursor: rows.length > limit && last !== undefined ? attemptsCursor.encode({ at: last.id }) : null,
      };
      auditCaching(res);
      res.json(body);
      return;
    }
    const pages = keysetPages<BidAttemptView, string>(afterId, page, (row) => row.id, ctx.exportPageSize);
    await writeExport(res, format, attemptColumns, pages, () => startAuditExport(res, format, `auction-${params.id}-attempts`));
  });

  router.get('/v1/audit/auctions/:id/verify', auditor, async (req, res) => {
    const { params, query } = decodeRequest(req, { params: AuctionParams, query: VerifyQuery });
    const streamId = streamIdOf(params.id);
    const events = await ctx.log.readStream(streamId);
    const head = events[events.length - 1];
    const result = verifyChain(events);
    const checkpoint = query.checkpoint === undefined ? undefined : await checkpointFinding(ctx, streamId, events, query.checkpoint);
    // A stream that no event is left of: unknown, unless a checkpoint knew it (then it was deleted).
    if (head === undefined && checkpoint?.covered !== true) throw auctionNotFound(params.id);
    const body: ChainReport = {
      auctionId: params.id,
      streamId,
      valid: result.valid && (checkpoint === undefined || !isTamperFinding(checkpoint)),
      events: result.events,
      ...(result.brokenAt !== undefined ? { brokenAt: result.brokenAt } : {}),
      headVersion: head?.streamVersion ?? 0,
      headHash: head?.hash ?? '',
      ...(checkpoint !== undefined ? { checkpoint } : {}),
    };
    auditCaching(res);
    res.json(body);
  });
};

/** The stream against the stored checkpoint `sequence`: its signature with this server's key, the stream's leaf and proof. */
const checkpointFinding = async (ctx: ReadContext, streamId: string, events: readonly RecordedEvent[], sequence: number): Promise<CheckpointFindingView> => {
  const archive = archiveOf(ctx);
  const checkpoint = await archive.get(sequence);
  if (checkpoint === undefined) throw checkpointNotFound(sequence);
  const stored = await archive.proof(sequence, streamId);
  const finding = checkStreamAgainstSignedCheckpoint(streamId, events, checkpoint, archive.publicKeyPem, stored);
  return { ...finding, ...(stored.leaf !== undefined ? { leaf: stored.leaf } : {}) };
};
