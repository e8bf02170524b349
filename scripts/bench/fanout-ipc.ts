// The fan-out suite's child processes (its server, its WebSocket client processes): forked, each
// answering one request at a time over Node's IPC channel (fanout-protocol.ts).
import { fork } from 'node:child_process';
import { isLeft } from 'fp-ts/lib/Either.js';
import { nextMessageOf } from './children.js';
import { FanoutChildMessage, FanoutParentMessage } from './fanout-protocol.js';

export interface FanoutChild {
  /** The child's first message (its 'ready' answer). */
  readonly first: FanoutChildMessage;
  /** The child's process id (its RSS can also be read from /proc/<pid>/status). */
  readonly pid: number;
  ask(message: FanoutParentMessage, timeoutMs?: number): Promise<FanoutChildMessage>;
  stop(): Promise<void>;
}

export const forkFanoutChild = async (name: string, module: URL, env: NodeJS.ProcessEnv, execArgv: readonly string[] = [], timeoutMs = 120_000): Promise<FanoutChild> => {
  const child = fork(module, [], { env, execArgv: [...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (ms: number): Promise<FanoutChildMessage> => nextMessageOf(child, FanoutChildMessage, name, ms);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    if (child.connected) child.send({ type: 'stop' } satisfies FanoutParentMessage);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  };
  let first: FanoutChildMessage;
  try {
    first = await next(timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  let queue: Promise<unknown> = Promise.resolve();
  return {
    first,
    pid: child.pid ?? 0,
    ask: (message, ms = 120_000) => {
      const answer = queue.then(() => {
        const reply = next(ms);
        child.send(message);
        return reply;
      });
      queue = answer.catch(() => undefined);
      return answer;
    },
    stop,
  };
};

/** In a child: send a message to the benchmark. */
export const tell = (message: FanoutChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });

/** In a child: answer each request of the benchmark (a thrown error is answered as 'failed'). */
export const answerRequests = (handle: (message: FanoutParentMessage) => Promise<FanoutChildMessage | undefined>): void => {
  process.on('message', (raw: unknown) => {
    const decoded = FanoutParentMessage.decode(raw);
    if (isLeft(decoded)) return;
    handle(decoded.right).then(
      (answer) => (answer !== undefined ? tell(answer) : undefined),
      (error: unknown) => tell({ type: 'failed', message: `${decoded.right.type}: ${error instanceof Error ? error.message : String(error)}` }),
    );
  });
};
