// The command API's request bodies (DESIGN.md section 5), as io-ts codecs. Unknown fields are
// refused, so a misspelt `maxamount` is a 400 naming it rather than a silently ignored field.
import * as t from 'io-ts';
import { Currency, Description, Integer, MinorUnits, Reason, Title } from '../../domain/index.js';
import { IsoUtcTimestamp } from '../../infra/index.js';

/** An object codec with required and optional properties that refuses any other property. */
const closedObject = <R extends t.Props, O extends t.Props>(name: string, required: R, optional: O) => {
  const open = t.intersection([t.type(required), t.partial(optional)]);
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  return new t.Type<t.TypeOf<typeof open>, t.OutputOf<typeof open>, unknown>(
    name,
    open.is,
    (u, c) => {
      if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
        const extra = Object.keys(u).filter((k) => !known.has(k));
        if (extra.length > 0) {
          return t.failures(extra.map((k) => ({ value: (u as Record<string, unknown>)[k], context: [...c, { key: k, type: t.never, actual: u }], message: 'is not a known field' })));
        }
      }
      return open.validate(u, c);
    },
    open.encode,
  );
};

export const SoftCloseBody = closedObject('SoftClose', { windowSeconds: Integer, extensionSeconds: Integer }, {});

export const CreateAuctionBody = closedObject(
  'CreateAuctionBody',
  { title: Title, currency: Currency, startingPrice: MinorUnits, endsAt: IsoUtcTimestamp },
  {
    description: Description,
    reservePrice: t.union([MinorUnits, t.null]),
    buyNowPrice: t.union([MinorUnits, t.null]),
    startsAt: t.union([IsoUtcTimestamp, t.null]),
    softClose: t.union([SoftCloseBody, t.null]),
  },
);
export type CreateAuctionBody = t.TypeOf<typeof CreateAuctionBody>;

export const PlaceBidBody = closedObject('PlaceBidBody', { maxAmount: MinorUnits }, {});
export type PlaceBidBody = t.TypeOf<typeof PlaceBidBody>;

export const CancelBody = closedObject('CancelBody', {}, { reason: t.union([Reason, t.null]) });
export const EmptyBody = closedObject('EmptyBody', {}, {});
