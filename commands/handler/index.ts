// commands/handler/: the write path of every command (queue, lock, decide, append with the
// expected version), the auction repository it loads from, and the ids derived from a command.
export { CommandHandler, ConcurrencyExhaustedError } from './command-handler.js';
export type { Accepted, CommandContext, CommandHandlerOptions, HandlerHooks, RefusedAttempt } from './command-handler.js';
export { AuctionRepository, CorruptStreamError, decodeRecorded, type LoadedAuction } from './auction-repository.js';
export { commandIdFor, eventIdFor, uuidFrom } from './ids.js';
export { withLotFacts } from './lot-facts.js';
export { newEventsOf, type EventContext } from './new-events.js';
export { AccountRepository, type AccountFactsSource, type AccountRepositoryOptions, type LoadedAccount } from './account-repository.js';
