// Auditors' access to the log's signed checkpoints: the public key that verifies them, the list,
// the latest, one by sequence, and a checkpoint taken on demand (auditor or admin). Auditors keep
// copies, and later check a stream against a copy (`verify?checkpoint=N`, `npm run verify-chain`).
import type { Router } from 'express';
import type { CheckpointArchive } from '../domain/index.js';
import { ApiError, decodeRequest, notFound, requireRole } from '../infra/index.js';
import type { ReadContext } from './context.js';
import { auditCaching } from './context.js';
import { CheckpointListQuery, CheckpointParams, DEFAULT_CHECKPOINT_PAGE, NoQuery } from './params.js';
import type { CheckpointPage, CheckpointPublicKey } from './responses.js';

/** 404 CHECKPOINTS_DISABLED: no signing key is configured. */
export const checkpointsDisabled = (): ApiError =>
  new ApiError(404, 'CHECKPOINTS_DISABLED', 'signed checkpoints are disabled on this installation: the operator must set CHECKPOINT_SIGNING_KEY');

export const checkpointNotFound = (sequence: number): ApiError => notFound(`no checkpoint ${sequence}`, 'CHECKPOINT_NOT_FOUND');

export const archiveOf = (ctx: ReadContext): CheckpointArchive => {
  if (ctx.checkpoints === undefined) throw checkpointsDisabled();
  return ctx.checkpoints;
};

export const mountCheckpointRoutes = (router: Router, ctx: ReadContext): void => {
  const auditor = requireRole('auditor');

  router.get('/v1/audit/checkpoints/public-key', auditor, (req, res) => {
    decodeRequest(req, { query: NoQuery });
    const archive = archiveOf(ctx);
    const body: CheckpointPublicKey = { algorithm: 'Ed25519', keyId: archive.keyId, publicKey: archive.publicKeyPem };
    auditCaching(res);
    res.json(body);
  });

  router.get('/v1/audit/checkpoints/latest', auditor, async (req, res) => {
    decodeRequest(req, { query: NoQuery });
    const latest = await archiveOf(ctx).latest();
    if (latest === undefined) throw notFound('no checkpoint has been taken yet', 'CHECKPOINT_NOT_FOUND');
    auditCaching(res);
    res.json(latest);
  });

  router.get('/v1/audit/checkpoints', auditor, async (req, res) => {
    const { query } = decodeRequest(req, { query: CheckpointListQuery });
    const limit = query.limit ?? DEFAULT_CHECKPOINT_PAGE;
    const rows = await archiveOf(ctx).list({ ...(query.before !== undefined ? { before: query.before } : {}), limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const body: CheckpointPage = { items, nextBefore: rows.length > limit && last !== undefined ? last.sequence : null };
    auditCaching(res);
    res.json(body);
  });

  router.get('/v1/audit/checkpoints/:sequence', auditor, async (req, res) => {
    const { params } = decodeRequest(req, { params: CheckpointParams, query: NoQuery });
    const checkpoint = await archiveOf(ctx).get(params.sequence);
    if (checkpoint === undefined) throw checkpointNotFound(params.sequence);
    auditCaching(res);
    res.json(checkpoint);
  });

  router.post('/v1/audit/checkpoints', requireRole('auditor', 'admin'), async (req, res) => {
    decodeRequest(req, { query: NoQuery });
    const checkpoint = await archiveOf(ctx).create();
    auditCaching(res);
    res.status(201).json(checkpoint);
  });
};
