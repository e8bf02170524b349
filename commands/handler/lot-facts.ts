// The fact a hold-back lot's CloseAuction is decided with (domain/sales/): whether the previous lot
// of its sale has ended, read from the log (the previous lot's stream, through the repository), so
// the domain stays pure and the command carries it like `now`.
import type { AuctionState, UnstampedCommand } from '../../domain/index.js';
import { waitsForPreviousLot } from '../../domain/index.js';
import type { AuctionRepository } from './auction-repository.js';

/**
 * `batch` with every CloseAuction stamped with `previousLotEnded` when `state` is a lot that waits
 * for the previous one; `batch` itself otherwise (no read). A previous lot the log does not hold
 * (its sale's creation stopped before making it, and was never retried) does not hold the lot back.
 */
export const withLotFacts = async <P extends { readonly command: UnstampedCommand }>(
  batch: readonly P[], state: AuctionState, repository: Pick<AuctionRepository, 'load'>,
): Promise<readonly P[]> => {
  if (state.kind !== 'auction' || !waitsForPreviousLot(state.lot) || !batch.some((p) => p.command.type === 'CloseAuction')) return batch;
  const previous = (await repository.load(state.lot.previousLotId)).state;
  const previousLotEnded = previous.kind === 'none' || previous.phase.kind !== 'live';
  return batch.map((p) => (p.command.type === 'CloseAuction' ? { ...p, command: { ...p.command, previousLotEnded } } : p));
};
