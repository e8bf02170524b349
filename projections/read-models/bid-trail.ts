// Where a bid_history row's event stands in the log and in its stream's hash chain: the columns
// every row of that table (a bid, a sealed bid, a retraction) copies from its recorded event.
import type { RecordedEvent } from '../../domain/index.js';
import type { BidRow } from './auction-rows.js';

/** Where a bid_history row's event stands in the log and its hash chain. */
export const trailOf = (recorded: RecordedEvent): Pick<BidRow, 'eventId' | 'commandId' | 'logPosition' | 'prevHash' | 'hash'> => ({
  eventId: recorded.eventId,
  commandId: recorded.metadata.commandId,
  logPosition: recorded.position,
  prevHash: recorded.prevHash,
  hash: recorded.hash,
});
