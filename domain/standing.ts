// Whose maximum comes second after a bid: one rule, used by `decideBid` (to price the bid) and by
// `evolve` (to apply it), so the two can never disagree.
import type { BidOutcome } from './events.js';
import type { MinorUnits } from './money.js';
import type { Auction } from './state.js';


/** The runner-up maximum after a bid: the old leader's when overtaken, the higher of the two when outbid. */
export const runnerUpAfter = (before: Pick<Auction, 'leader' | 'runnerUpMax'>, outcome: BidOutcome, maxAmount: MinorUnits): MinorUnits | null => {
  switch (outcome) {
    case 'new-leader':
      return before.leader?.maxAmount ?? null;
    case 'outbid':
      return before.runnerUpMax === null || maxAmount > before.runnerUpMax ? maxAmount : before.runnerUpMax;
    case 'raised-maximum':
      return before.runnerUpMax;
  }
};
