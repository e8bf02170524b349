// The chaos suite's checks: the pure ones (answers replayed equal, exactly once in the log, frame
// sequences without hole or repeat, closing decided in the stream) and those that read the target
// (the event log, the read models against a rebuild, the read API, the live cache and the
// subscribers against the log).
export { answerDifference, answersEqual, checkAnswers, firstFinal, isFinal } from './answers.js';
export type { AnswerCheck, HttpAnswer } from './answers.js';
export { checkExactlyOnce } from './exactly-once.js';
export type { ExactlyOnce, LoggedBid } from './exactly-once.js';
export { checkFrameSequence } from './frames.js';
export type { FrameCheck } from './frames.js';
export { checkClosing } from './closing.js';
export type { ClosingCheck } from './closing.js';
export { closingEvents, loggedBids, streamHeads } from './event-log.js';
export type { StreamEntry } from './event-log.js';
export { compareWithRebuild, dumpDifferences, streamsBehind } from './read-models.js';
export type { RebuildComparison } from './read-models.js';
export { laggards } from './live-state.js';
export type { LiveReaders } from './live-state.js';
