// POST /v1/sales (a seller creates a timed sale of many lots). Idempotency-Key as POST /v1/auctions:
// with a key, the sale's and its lots' ids derive from the command id, so a retry names them again.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { fromMillis } from '../../domain/index.js';
import type { RequestCodecs } from '../../infra/index.js';
import { RequestId, decodeRequest, requireRole, requireUser } from '../../infra/index.js';
import type { CommandContext } from '../handler/index.js';
import { commandIdFor, uuidFrom } from '../handler/index.js';
import type { IdempotencyOptions, IdempotencyStore } from '../http/index.js';
import { idempotency, idempotencyKeyOf, rejectionToApiError } from '../http/index.js';
import { CreateSaleBody } from './sale-bodies.js';
import type { SaleService } from './sale-service.js';

export interface SaleRoutesDeps {
  readonly service: SaleService;
  readonly idempotencyStore: IdempotencyStore;
  readonly idempotency?: Pick<IdempotencyOptions, 'leaseMs' | 'waitMs' | 'now'>;
}

const createSaleRequest = { body: CreateSaleBody };
const CorrelationHeaders = t.partial({ 'X-Request-Id': RequestId });

/** Each lot's auction id: derived from the sale's command id when it has a key (a retry names the same lots). */
export const lotAuctionId = (commandId: string, keyed: boolean, lotNumber: number): string =>
  keyed ? uuidFrom('auction', commandId, 'lot', String(lotNumber)) : randomUUID();

export const saleRoutes = (deps: SaleRoutesDeps): Router => {
  const router = Router();
  const keyed = idempotency({
    ...deps.idempotency,
    store: deps.idempotencyStore,
    required: false,
    request: createSaleRequest as RequestCodecs<unknown, unknown, unknown, unknown>,
  });

  router.post('/v1/sales', requireRole('seller'), keyed, async (req, res) => {
    const { body, headers } = decodeRequest(req, { ...createSaleRequest, headers: CorrelationHeaders });
    const user = requireUser(res);
    const idempotencyKey = idempotencyKeyOf(res) ?? null;
    const context: CommandContext = {
      commandId: commandIdFor(user.userId, idempotencyKey),
      userId: user.userId,
      idempotencyKey,
      correlationId: headers['X-Request-Id'] ?? randomUUID(),
    };
    const withKey = idempotencyKey !== null;
    const saleId = withKey ? uuidFrom('sale', context.commandId) : randomUUID();
    const result = await deps.service.create(
      {
        type: 'CreateSale',
        saleId,
        sellerId: user.userId,
        title: body.title,
        description: body.description ?? '',
        currency: body.currency,
        firstEndsAt: fromMillis(Date.parse(body.firstEndsAt)),
        staggerMs: body.staggerMs,
        holdBack: body.holdBack ?? false,
        softClose: body.softClose ?? null,
        lots: body.lots.map((lot, i) => ({
          auctionId: lotAuctionId(context.commandId, withKey, i + 1),
          title: lot.title,
          description: lot.description ?? '',
          startingPrice: lot.startingPrice,
          reservePrice: lot.reservePrice ?? null,
          buyNowPrice: lot.buyNowPrice ?? null,
        })),
      },
      context,
    );
    if (E.isLeft(result)) throw rejectionToApiError(result.left);
    if (result.right.replayed) res.setHeader('Idempotent-Replayed', 'true');
    const { lots, version } = result.right;
    res.status(201).location(`/v1/sales/${saleId}`).json({ saleId, lots, version });
  });
  return router;
};
