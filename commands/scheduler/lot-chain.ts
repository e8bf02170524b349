// Hold-back sales close their lots in order (domain/sales/): a lot whose previous lot has not
// ended is refused (not due) and retried. So that it does not wait for that retry, the moment a
// lot of a hold-back sale closes, the lots after it are tried at once, one after the other, until
// one is not due yet (or was closed already, by whoever closed it).
import type { AuctionState } from '../../domain/index.js';

/** What trying to close one auction came to: its state after, and whether this attempt closed it. */
export interface LotCloseAttempt {
  readonly closedNow: boolean;
  readonly state: AuctionState;
}

/** The lot to try after `state` closed: the next lot of a hold-back sale, else null. */
export const nextHeldLot = (state: AuctionState): string | null =>
  state.kind === 'auction' && state.lot !== null && state.lot.holdBack ? state.lot.nextLotId : null;

/**
 * Tries the lots after the one that just closed (`closed`), in lot order, with `tryClose` (which
 * resolves undefined when the lot was refused, e.g. not due). Resolves to the lots it closed.
 */
export const closeFollowingLots = async (closed: AuctionState, tryClose: (auctionId: string) => Promise<LotCloseAttempt | undefined>): Promise<string[]> => {
  const closedIds: string[] = [];
  let next = nextHeldLot(closed);
  while (next !== null) {
    const attempt = await tryClose(next);
    if (attempt === undefined || !attempt.closedNow) break;
    closedIds.push(next);
    next = nextHeldLot(attempt.state);
  }
  return closedIds;
};
