// CreateSale -> SaleCreated, and each lot's CreateAuction (pure). Lot N ends at
// firstEndsAt + (N - 1) * staggerMs; each lot is an English auction of its own.
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from '../commands.js';
import type { FieldProblem, Rejection } from '../rejection.js';
import { reject } from '../rejection.js';
import { fromMillis, toMillis } from '../time.js';
import { MAX_AUCTION_DAYS, MAX_SOFT_CLOSE_SECONDS } from '../decide-create.js';
import type { CreateSale } from './sale-commands.js';
import type { SaleCreated } from './sale-events.js';
import type { SaleState } from './sale-state.js';

export const MAX_LOTS_PER_SALE = 1000;
/** The longest stagger between two lots' ends: a day. */
export const MAX_STAGGER_MS = 86_400_000;

const DAY_MS = 86_400_000;

const problems = (c: CreateSale): FieldProblem[] => {
  const found: FieldProblem[] = [];
  const problem = (path: string, message: string) => found.push({ path, message });
  const nowMs = toMillis(c.now);
  const firstMs = toMillis(c.firstEndsAt);
  if (c.title.trim() === '') problem('title', 'must not be blank');
  if (c.lots.length < 1 || c.lots.length > MAX_LOTS_PER_SALE) problem('lots', `a sale has from 1 to ${MAX_LOTS_PER_SALE} lots`);
  if (c.staggerMs > MAX_STAGGER_MS) problem('staggerMs', `must be at most ${MAX_STAGGER_MS} (a day)`);
  if (firstMs <= nowMs) problem('firstEndsAt', 'must be in the future');
  const lastMs = firstMs + Math.max(0, c.lots.length - 1) * c.staggerMs;
  if (lastMs - nowMs > MAX_AUCTION_DAYS * DAY_MS) problem('staggerMs', `the last lot must end within ${MAX_AUCTION_DAYS} days`);
  if (c.softClose !== null) {
    const { windowSeconds, extensionSeconds } = c.softClose;
    if (windowSeconds < 1 || windowSeconds > MAX_SOFT_CLOSE_SECONDS) problem('softClose.windowSeconds', `must be from 1 to ${MAX_SOFT_CLOSE_SECONDS}`);
    if (extensionSeconds < 1 || extensionSeconds > MAX_SOFT_CLOSE_SECONDS) problem('softClose.extensionSeconds', `must be from 1 to ${MAX_SOFT_CLOSE_SECONDS}`);
  }
  const ids = new Set<string>();
  c.lots.forEach((lot, i) => {
    const at = `lots[${i}]`;
    if (lot.title.trim() === '') problem(`${at}.title`, 'must not be blank');
    if (lot.reservePrice !== null && lot.reservePrice < lot.startingPrice) problem(`${at}.reservePrice`, 'must be at least the starting price');
    if (lot.buyNowPrice !== null && lot.buyNowPrice <= lot.startingPrice) problem(`${at}.buyNowPrice`, 'must be above the starting price');
    if (lot.buyNowPrice !== null && lot.reservePrice !== null && lot.buyNowPrice < lot.reservePrice) problem(`${at}.buyNowPrice`, 'must be at least the reserve price');
    if (ids.has(lot.auctionId) || lot.auctionId === c.saleId) problem(`${at}.auctionId`, 'must differ from every other lot\'s and the sale\'s');
    ids.add(lot.auctionId);
  });
  return found;
};

export const decideSale = (c: CreateSale, state: SaleState): E.Either<Rejection, SaleCreated[]> => {
  if (state.kind !== 'none') return E.left(reject('SALE_ALREADY_EXISTS', `sale ${c.saleId} already exists`));
  const found = problems(c);
  if (found.length > 0) return E.left(reject('INVALID_REQUEST', found.map((p) => `${p.path} ${p.message}`).join('; '), { fields: found }));
  return E.right([{
    type: 'SaleCreated',
    data: {
      saleId: c.saleId,
      sellerId: c.sellerId,
      title: c.title.trim(),
      description: c.description,
      currency: c.currency,
      firstEndsAt: c.firstEndsAt,
      staggerMs: c.staggerMs,
      holdBack: c.holdBack,
      softClose: c.softClose,
      lots: c.lots.map((lot, i) => ({ lotNumber: i + 1, ...lot, title: lot.title.trim() })),
      createdAt: c.now,
    },
  }]);
};

/** When lot `lotNumber` of the sale ends (before any soft-close extension). */
export const lotEndsAt = (sale: Pick<SaleCreated['data'], 'firstEndsAt' | 'staggerMs'>, lotNumber: number): ReturnType<typeof fromMillis> =>
  fromMillis(toMillis(sale.firstEndsAt) + (lotNumber - 1) * sale.staggerMs);

/** Each lot's CreateAuction, in lot order, as the sale decided them: opening at the sale's creation, ending on its schedule. */
export const lotCommands = (sale: SaleCreated['data']): Omit<CommandOf<'CreateAuction'>, 'now'>[] =>
  sale.lots.map((lot, i) => ({
    type: 'CreateAuction',
    auctionId: lot.auctionId,
    sellerId: sale.sellerId,
    title: lot.title,
    description: lot.description,
    currency: sale.currency,
    startingPrice: lot.startingPrice,
    reservePrice: lot.reservePrice,
    buyNowPrice: lot.buyNowPrice,
    startsAt: sale.createdAt,
    endsAt: lotEndsAt(sale, lot.lotNumber),
    softClose: sale.softClose,
    approvedBiddersOnly: false,
    format: 'english',
    clock: null,
    lot: {
      saleId: sale.saleId,
      lotNumber: lot.lotNumber,
      previousLotId: sale.lots[i - 1]?.auctionId ?? null,
      nextLotId: sale.lots[i + 1]?.auctionId ?? null,
      holdBack: sale.holdBack,
    },
  }));
