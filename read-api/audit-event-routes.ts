// The auditors' listing of an auction's whole event stream (GET /v1/audit/auctions/:id/events),
// straight from the event log: every event with its type, its data as stored (real ids, private
// maximums, second-chance offers and their prices), who caused it and when, and its link in the
// hash chain. The bid history (audit-routes.ts) shows the bids; this shows everything else too:
// closing, non-payment reports, second-chance offers and their answers, approvals.
import type { Router } from 'express';
import { streamIdOf } from '../domain/index.js';
import { closedObject, decodeRequest, integerFromString, requireRole } from '../infra/index.js';
import type { ReadContext } from './context.js';
import { auditCaching } from './context.js';
import { auctionNotFound } from './min-version.js';
import { AuctionParams, MAX_VERSION } from './params.js';

export const AuditEventsQuery = closedObject('AuditEventsQuery', {}, {
  /** Events after this stream version (default 0: from the first). */
  afterVersion: integerFromString(0, MAX_VERSION),
  limit: integerFromString(1, 1_000),
});
const DEFAULT_EVENTS_PAGE = 100;

export const mountAuditEventRoutes = (router: Router, ctx: ReadContext): void => {
  router.get('/v1/audit/auctions/:id/events', requireRole('auditor'), async (req, res) => {
    const { params, query } = decodeRequest(req, { params: AuctionParams, query: AuditEventsQuery });
    const afterVersion = query.afterVersion ?? 0;
    const limit = query.limit ?? DEFAULT_EVENTS_PAGE;
    const streamId = streamIdOf(params.id);
    const events = await ctx.log.readStream(streamId, afterVersion + 1);
    if (events.length === 0 && (afterVersion === 0 || (await ctx.log.readStream(streamId, 1)).length === 0)) throw auctionNotFound(params.id);
    const page = events.slice(0, limit);
    const last = page[page.length - 1];
    auditCaching(res);
    res.json({
      auctionId: params.id,
      items: page.map((e) => ({
        version: e.streamVersion,
        type: e.type,
        data: e.data,
        eventId: e.eventId,
        commandId: e.metadata.commandId,
        userId: e.metadata.userId,
        serverTime: e.metadata.serverTime,
        schemaVersion: e.metadata.schemaVersion,
        logPosition: e.position,
        prevHash: e.prevHash,
        hash: e.hash,
      })),
      nextAfterVersion: events.length > limit && last !== undefined ? last.streamVersion : null,
    });
  });
};
