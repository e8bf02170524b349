// CreateSale: what a seller asks for. The lots' auction ids come with the command (the server
// derives them from the command id, so a retried create names the same lots); `now` is the
// server's clock.
import * as t from 'io-ts';
import { UtcTimestamp } from '../time.js';
import { lotListingProps, saleListingProps } from './sale-events.js';

export const SaleLotRequest = t.type(lotListingProps, 'SaleLotRequest');
export type SaleLotRequest = t.TypeOf<typeof SaleLotRequest>;

export const CreateSale = t.type({
  type: t.literal('CreateSale'),
  ...saleListingProps,
  /** In lot order: the first is lot 1. */
  lots: t.array(SaleLotRequest),
  now: UtcTimestamp,
}, 'CreateSale');
export type CreateSale = t.TypeOf<typeof CreateSale>;
