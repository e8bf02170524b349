// The event log as the rest of the system sees it: the port and the pure hash-chain check.
export * from './port.js';
export * from './hash-chain.js';
export * from './recorded-event-codec.js';
export * from './merkle.js';
export * from './checkpoint.js';
export * from './checkpoint-archive.js';
