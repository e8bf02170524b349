// How a process stops (README, Operations): readiness turns false at once; after SHUTDOWN_DRAIN_MS
// (so that a balancer notices) the phases below run in order, each one's steps in the reverse
// order of their registration (what was started last stops first). The waits for work in flight
// share one deadline, SHUTDOWN_TIMEOUT_MS after the intake stopped; a failing step is logged and
// the stop goes on.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, ProcessProbes, ShutdownTimings } from '../../infra/index.js';

export const shutdownPhases = [
  /** Stop taking work: HTTP connections and requests, the scheduler's claims. */
  'intake',
  /** Finish the work in flight: HTTP requests, then the command handler's queues (up to the deadline). */
  'in-flight',
  /** Stop fetching, commit the Kafka offsets and save the checkpoints: publisher, projectors, signed checkpoints. */
  'pipelines',
  /** Close the WebSockets (1001 Going Away: clients reconnect). */
  'sockets',
  /** Close the connections left, the resources, then the operations port. */
  'resources',
] as const;
export type ShutdownPhase = (typeof shutdownPhases)[number];

/** A step; `deadline` aborts when the waits for work in flight must give up. */
export type ShutdownStep = (deadline: AbortSignal) => Promise<void>;

export interface Shutdown {
  add(phase: ShutdownPhase, step: ShutdownStep): void;
  /** Runs the stop once (later calls get the same promise); `timings` absent: no drain, no wait (a failed start). */
  run(timings?: ShutdownTimings): Promise<void>;
}

export const createShutdown = (probes: ProcessProbes, logger: Logger): Shutdown => {
  const steps = new Map<ShutdownPhase, ShutdownStep[]>(shutdownPhases.map((phase) => [phase, []]));
  let running: Promise<void> | undefined;
  const runPhases = async (timings: ShutdownTimings | undefined): Promise<void> => {
    if (timings !== undefined && timings.drainMs > 0) {
      logger.info({ drainMs: timings.drainMs }, 'not ready any more; still serving while the balancer notices (SHUTDOWN_DRAIN_MS)');
      await sleep(timings.drainMs);
    }
    const deadline = AbortSignal.timeout(timings?.timeoutMs ?? 0);
    for (const phase of shutdownPhases) {
      for (const step of [...steps.get(phase)!].reverse()) {
        await step(deadline).catch((err: unknown) => logger.error({ err, phase }, 'error while stopping'));
      }
    }
  };
  return {
    add: (phase, step) => {
      steps.get(phase)!.push(step);
    },
    run: (timings) => {
      probes.markStopping();
      running ??= runPhases(timings);
      return running;
    },
  };
};

/** Waits for `work` until `deadline` aborts; true when the work settled first. */
export const within = (work: Promise<unknown>, deadline: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (deadline.aborted) return resolve(false);
    const late = () => resolve(false);
    const done = () => {
      deadline.removeEventListener('abort', late);
      resolve(true);
    };
    deadline.addEventListener('abort', late, { once: true });
    work.then(done, done);
  });
