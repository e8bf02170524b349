// domain/sales/: timed sales (a catalogue of lots, each an auction of its own). Pure.
export { AuctionLot, waitsForPreviousLot } from './lot.js';
export * from './sale-events.js';
export * from './sale-commands.js';
export * from './sale-state.js';
export { MAX_LOTS_PER_SALE, MAX_STAGGER_MS, decideSale, lotCommands, lotEndsAt } from './decide-sale.js';
