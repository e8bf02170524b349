// projections/notifications: personal notifications (outbid, ending soon, won, lost, cancelled)
// from the events, sent per user over Redis pub/sub or in memory.
export { Notifier, NOTIFIER_PROJECTOR, foldNoticeState, notificationId, notificationsFor } from './notifier.js';
export type { CheckpointStore, NotifierOptions } from './notifier.js';
export { endingSoonSchedule, startEndingSoonWorker } from './ending-soon.js';
export type { DueQueue, EndingSoonSchedule, EndingSoonWorkerOptions } from './ending-soon.js';
export { MemoryNotificationBus, redisNotificationSink } from './notification-bus.js';
