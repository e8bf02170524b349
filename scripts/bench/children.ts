// Child processes of the benchmark (the system under test, the hello-world server): forked with
// their own environment, answering over IPC one request at a time.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { ChildMessage } from './protocol.js';
import type { ParentMessage } from './protocol.js';

export interface Child {
  readonly name: string;
  /** The HTTP base URL, '' when the child serves no HTTP. */
  readonly url: string;
  /** The realtime node's WebSocket URL, when the child runs one. */
  readonly realtimeUrl: string | undefined;
  /** Sends a request and waits for the child's next message (a 'failed' answer rejects). */
  ask(message: ParentMessage, timeoutMs?: number): Promise<ChildMessage>;
  /** Asks the child to stop, and kills it if it has not exited within a few seconds. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

/** The next message from the child that `codec` decodes; rejects on a 'failed' answer, when it exits first or when the time runs out. */
export const nextMessageOf = <M extends { readonly type: string }>(child: ChildProcess, codec: t.Decoder<unknown, M>, name: string, timeoutMs: number): Promise<M> =>
  new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (raw: unknown) => {
      const decoded = codec.decode(raw);
      if (isLeft(decoded)) return;
      cleanup();
      const message = decoded.right;
      if (message.type === 'failed') reject(new Error(`${name}: ${String((message as { readonly message?: unknown }).message)}`));
      else resolve(message);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`${name} exited (${signal ?? `code ${code}`}) before answering`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

const nextMessage = (child: ChildProcess, name: string, timeoutMs: number): Promise<ChildMessage> => nextMessageOf(child, ChildMessage, name, timeoutMs);

export interface StartChildOptions {
  readonly name: string;
  /** The compiled module to run. */
  readonly module: URL;
  readonly env: NodeJS.ProcessEnv;
  readonly execArgv?: readonly string[];
}

export const startChild = async (options: StartChildOptions): Promise<Child> => {
  const { name } = options;
  const child = fork(options.module, [], {
    env: options.env,
    execArgv: [...(options.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let queue: Promise<unknown> = Promise.resolve();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = exited(child);
    if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  };
  let ready: ChildMessage;
  try {
    ready = await nextMessage(child, name, START_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  if (ready.type !== 'ready') {
    await stop();
    throw new Error(`${name}: expected 'ready', got '${ready.type}'`);
  }
  return {
    name,
    url: ready.url,
    realtimeUrl: ready.realtimeUrl,
    ask: (message, timeoutMs = 60_000) => {
      const answer = queue.then(() => {
        const reply = nextMessage(child, name, timeoutMs);
        child.send(message);
        return reply;
      });
      queue = answer.catch(() => undefined);
      return answer;
    },
    stop,
  };
};
