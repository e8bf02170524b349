// A process's probes, answered alike on every port that serves them (the HTTP API's, the realtime
// node's, the operations port): GET /health (liveness: the process runs; what it holds, its
// resources, its parked streams) and GET /ready (readiness: it takes work now: started, its
// resources answering, not stopping). README, Operations.

export type ProcessState = 'starting' | 'ready' | 'stopping';

export interface ProbeAnswer {
  readonly status: 200 | 503;
  readonly body: Readonly<Record<string, unknown>>;
}

/** What the transports serve. */
export interface Probes {
  /** GET /health: 200 while the process answers at all. */
  health(): Promise<ProbeAnswer>;
  /** GET /ready: 200 when the process takes work, else 503 with the reasons. */
  readiness(): Promise<ProbeAnswer>;
}

/** A resource the process needs: resolves when it answers, rejects saying why not. */
export type ResourceCheck = () => Promise<void>;

export interface ProcessProbesOptions {
  readonly roles: readonly string[];
  /** Checked by both probes, by name (`database`, `redis`); a failing one makes the process not ready. */
  readonly resources?: Readonly<Record<string, ResourceCheck>>;
  /** More fields of GET /health (e.g. the parked streams of the process's projectors). */
  readonly details?: () => Promise<Readonly<Record<string, unknown>>>;
  /** A resource that has not answered within this is down (default 2000 ms). */
  readonly checkTimeoutMs?: number;
  /** Default 'starting'. */
  readonly state?: ProcessState;
}

/** The probes of one process, and the switches of its state. */
export interface ProcessProbes extends Probes {
  readonly state: ProcessState;
  /** Started: readiness may answer 200 (while the resources answer). */
  markReady(): void;
  /** Shutdown began: readiness answers 503 from now on. */
  markStopping(): void;
}

const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

/** The problem of one resource, or undefined when it answered in time. */
const problemOf = async (check: ResourceCheck, timeoutMs: number): Promise<string | undefined> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([check().then(() => undefined), late]);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
};

export const createProcessProbes = (options: ProcessProbesOptions): ProcessProbes => {
  let state: ProcessState = options.state ?? 'starting';
  const timeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const resources = Object.entries(options.resources ?? {});
  /** Each resource: 'up', or 'down: why'. */
  const checkResources = async (): Promise<Record<string, string>> => {
    const problems = await Promise.all(resources.map(([, check]) => problemOf(check, timeoutMs)));
    return Object.fromEntries(resources.map(([name], i) => [name, problems[i] === undefined ? 'up' : `down: ${problems[i]}`]));
  };
  const reasonsNotReady = (checked: Readonly<Record<string, string>>): string[] => [
    ...(state === 'ready' ? [] : [state === 'starting' ? 'the process is starting' : 'the process is shutting down']),
    ...Object.entries(checked).filter(([, s]) => s !== 'up').map(([name, s]) => `${name} ${s}`),
  ];
  return {
    get state() {
      return state;
    },
    markReady: () => {
      if (state === 'starting') state = 'ready';
    },
    markStopping: () => {
      state = 'stopping';
    },
    health: async () => {
      const [checked, details] = await Promise.all([checkResources(), options.details?.() ?? {}]);
      return {
        status: 200,
        body: { status: 'ok', roles: options.roles, state, ...(resources.length > 0 ? { resources: checked } : {}), ...details },
      };
    },
    readiness: async () => {
      // Stopping answers at once: a balancer must see it even while a resource hangs.
      const reasons = reasonsNotReady(state === 'stopping' ? {} : await checkResources());
      return reasons.length === 0 ? { status: 200, body: { ready: true } } : { status: 503, body: { ready: false, reasons } };
    },
  };
};

/** The probes' paths, and what each answers. */
export const probePaths: Readonly<Record<'/health' | '/ready', (probes: Probes) => Promise<ProbeAnswer>>> = {
  '/health': (probes) => probes.health(),
  '/ready': (probes) => probes.readiness(),
};

/** The probe served at `path`, if `path` is a probe's. */
export const probeAt = (probes: Probes, path: string): (() => Promise<ProbeAnswer>) | undefined => {
  const probe = Object.entries(probePaths).find(([p]) => p === path)?.[1];
  return probe === undefined ? undefined : () => probe(probes);
};
