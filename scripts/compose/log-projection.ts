// Runs a projector on the event log itself (commit order, from its checkpoint for source 'log'):
// a minimal EventSource until projections/runtime/log-source.ts takes its place.
import type { EventLog } from '../../domain/index.js';
import { START } from '../../domain/index.js';
import type { Projector, RunningProjection } from '../../projections/index.js';

export const LOG_SOURCE = 'log';

export const projectFromLog = async (log: EventLog, projector: Projector, onError: (error: unknown) => void): Promise<RunningProjection> => {
  const subscription = log.subscribeToAll({
    after: (await projector.loadCheckpoint(LOG_SOURCE)) ?? START,
    onEvents: async (events) => {
      const last = events[events.length - 1];
      if (last !== undefined) await projector.apply(events, LOG_SOURCE, last.position);
    },
    onError,
  });
  return { stop: () => subscription.stop() };
};
