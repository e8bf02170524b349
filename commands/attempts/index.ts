// Refused bids, recorded off the hot path for auditors.
export { createAttemptsLog, attemptsLogMigrations, BidAttemptCodec } from './attempts-log.js';
export { bidAttemptOf } from './refused-bid.js';
export type { AttemptsLog, AttemptsLogOptions, BidAttempt, RecordedBidAttempt } from './attempts-log.js';
