// POST /v1/sales's body (README "Timed sales"), as io-ts codecs; unknown fields are refused.
import * as t from 'io-ts';
import { Count, Currency, Description, MinorUnits, Title } from '../../domain/index.js';
import { closedObject, IsoUtcTimestamp } from '../../infra/index.js';
import { SoftCloseBody } from '../http/index.js';

export const SaleLotBody = closedObject(
  'SaleLotBody',
  { title: Title, startingPrice: MinorUnits },
  { description: Description, reservePrice: t.union([MinorUnits, t.null]), buyNowPrice: t.union([MinorUnits, t.null]) },
);

export const CreateSaleBody = closedObject(
  'CreateSaleBody',
  {
    title: Title,
    currency: Currency,
    /** When lot 1 ends. */
    firstEndsAt: IsoUtcTimestamp,
    /** Milliseconds between two lots' ends (0: all at once). */
    staggerMs: Count,
    lots: t.array(SaleLotBody),
  },
  {
    description: Description,
    /** Lot N never closes before lot N - 1 (default false). */
    holdBack: t.boolean,
    softClose: t.union([SoftCloseBody, t.null]),
  },
);
export type CreateSaleBody = t.TypeOf<typeof CreateSaleBody>;
