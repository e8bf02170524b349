// The embedded data folder belongs to one process at a time. PGlite has no lock of its own: its
// postmaster.pid always holds the same made-up pid (-42), so a second PGlite on a live folder opens
// it without complaint, rewrites postmaster.pid and deletes it when it closes, and the two
// instances' caches damage the database ("could not open file base/…"). So every opener (the
// server, rebuild, verify-chain, replay, migrate: all through openPglite) first takes this lock:
// the file `gavelstream.lock` in the folder, created atomically (written beside it, then hard-linked
// into place: it never exists half-written; O_EXCL where there are no hard links), naming the
// holder's pid and host.
//
// A lock whose pid is no longer alive on this host (its holder was killed) is stale and taken over:
// renamed away first, so that of two processes taking it over at once only one wins. A lock of
// another host cannot be checked from here: it is refused, and the message says what to do.
//
// Released when the holder closes the folder, and at process exit. On SIGINT/SIGTERM, a process
// with no handler of its own for them (the tools; the server and replay stop and close on their
// own) first closes what it holds (PGlite finishes the statement it runs, then shuts down
// cleanly), releases, and then ends by the signal as it would have; a second signal ends it at once.
import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import * as t from 'io-ts';

export const LOCK_FILE = 'gavelstream.lock';

const LockRecordCodec = t.readonly(
  t.type({
    pid: t.Int,
    host: t.string,
    /** What holds it, for messages: the script's file name (start.js, rebuild.js, …). */
    holder: t.string,
    since: t.string,
    /** Tells this process's own lock from a stale one with a reused pid. */
    token: t.string,
  }),
);
type LockRecord = t.TypeOf<typeof LockRecordCodec>;

/** The data folder is held by a running server or tool (or cannot be told free). */
export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';
}

export interface DataFolderLock {
  /** Removes the lock file if it is still this holder's; idempotent. */
  release(): void;
}

interface Held {
  readonly token: string;
  /** Closes what holds the folder open (PGlite), for a signal. */
  readonly close: () => Promise<void>;
}

/** Lock files this process holds, by folder: released at exit. */
const held = new Map<string, Held>();

const readRecord = (file: string): { readonly text: string; readonly record: LockRecord | undefined } | undefined => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { text, record: undefined };
  }
  const decoded = LockRecordCodec.decode(json);
  return { text, record: decoded._tag === 'Right' ? decoded.right : undefined };
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
};

const removeIfOurs = (file: string, token: string): void => {
  try {
    if (readRecord(file)?.record?.token === token) unlinkSync(file);
  } catch {
    // gone already, or unreadable: nothing of ours to remove
  }
};

const releaseAll = (): void => {
  for (const [folder, { token }] of held) removeIfOurs(join(folder, LOCK_FILE), token);
  held.clear();
};

let interrupted = false;

/** A signal nobody else handles ends the process as it would have, once what it holds is closed. */
const onSignal = (signal: NodeJS.Signals): void => {
  if (process.listenerCount(signal) > 1) return; // the process stops itself (the server): it closes, and so releases
  const end = () => {
    releaseAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  if (interrupted) return end();
  interrupted = true;
  process.stderr.write(`${basename(process.argv[1] ?? process.argv0)}: ${signal}: closing the data folder (again to stop at once)\n`);
  const closing = [...held.values()].map(({ close }) => close().catch(() => undefined));
  void Promise.all(closing).then(end);
};

let hooked = false;
const hookExit = (): void => {
  if (hooked) return;
  hooked = true;
  process.on('exit', releaseAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
};

/** Why `existing` keeps the folder from being taken, or undefined when it is stale. */
const refusal = (folder: string, existing: LockRecord | undefined): string | undefined => {
  const file = join(folder, LOCK_FILE);
  if (existing === undefined) {
    return `${file} is not a lock Gavelstream wrote: if no Gavelstream server or tool uses ${folder}, delete that file and try again`;
  }
  const who = `${existing.holder} (pid ${existing.pid}${existing.host === hostname() ? '' : ` on host ${existing.host}`}, since ${existing.since})`;
  if (existing.host !== hostname()) {
    return `the data folder ${folder} is open in another process, ${who}, which cannot be checked from host ${hostname()}: stop it there first, or, if it no longer runs, delete ${file}`;
  }
  if (existing.pid === process.pid || !isAlive(existing.pid)) return undefined; // our own pid, not in `held`: an earlier life of this pid
  return `the data folder ${folder} is open in another process, ${who}: stop it first (two processes on one PGlite folder damage it)`;
};

/**
 * Puts `draft`'s content at `file` unless a file is there (EEXIST): a hard link, atomic with its
 * content; where the file system has no hard links, an exclusive create (O_EXCL), then the write.
 */
const createExclusive = (draft: string, file: string, content: string): void => {
  try {
    linkSync(draft, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    const fd = openSync(file, 'wx');
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
  }
};

/** Moves a stale lock out of the way unless another process has replaced it meanwhile. */
const takeOver = (file: string, staleText: string): void => {
  const aside = `${file}.stale-${process.pid}-${randomUUID()}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // another process took it over first
    throw error;
  }
  if (readFileSync(aside, 'utf8') !== staleText) {
    // a fresh lock came in between the read and the rename: put it back; the next round refuses
    try {
      linkSync(aside, file);
    } catch {
      // yet another lock is in place: that one is checked in the next round
    }
  }
  unlinkSync(aside);
};

/**
 * Takes the folder `folder` (an absolute path that exists) for this process, or throws
 * DataFolderInUseError naming the holder. `close` closes what will hold it open, on a signal.
 */
export const lockDataFolder = (folder: string, close: () => Promise<void>): DataFolderLock => {
  if (held.has(folder)) throw new DataFolderInUseError(`the data folder ${folder} is already open in this process`);
  const file = join(folder, LOCK_FILE);
  const record: LockRecord = {
    pid: process.pid as t.Int,
    host: hostname(),
    holder: basename(process.argv[1] ?? process.argv0),
    since: new Date().toISOString(),
    token: randomUUID(),
  };
  const draft = `${file}.new-${process.pid}-${record.token}`;
  const content = `${JSON.stringify(LockRecordCodec.encode(record))}\n`;
  writeFileSync(draft, content, { flag: 'wx' });
  try {
    for (let round = 0; round < 5; round += 1) {
      try {
        createExclusive(draft, file, content); // fails with EEXIST when a lock is there
        held.set(folder, { token: record.token, close });
        hookExit();
        return { release: () => releaseOne(folder, record.token) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const existing = readRecord(file);
      if (existing === undefined) continue; // released meanwhile
      const refused = refusal(folder, existing.record);
      if (refused !== undefined) throw new DataFolderInUseError(refused);
      takeOver(file, existing.text);
    }
    throw new DataFolderInUseError(`the data folder ${folder} is being opened by other processes at the same time: try again`);
  } finally {
    unlinkSync(draft);
  }
};

const releaseOne = (folder: string, token: string): void => {
  if (held.get(folder)?.token !== token) return;
  held.delete(folder);
  removeIfOurs(join(folder, LOCK_FILE), token);
};
