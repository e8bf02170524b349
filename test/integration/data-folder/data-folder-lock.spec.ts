// The embedded data folder's lock (infra/sql/data-folder-lock.ts) on a real file system: one holder
// at a time, a stale lock (its pid dead) taken over, anything it cannot tell free refused as it is.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFolderInUseError, LOCK_FILE, lockDataFolder } from '../../../infra/sql/data-folder-lock.js';

const noClose = () => Promise.resolve();

/** A pid that was alive a moment ago and is not now: a child that has exited (and been reaped). */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
};

const lockOf = (pid: number, host = hostname()) =>
  `${JSON.stringify({ pid, host, holder: 'start.js', since: '2026-01-01T00:00:00.000Z', token: 'someone-else' })}\n`;

describe('the data-folder lock', () => {
  let folder: string;
  let file: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'gs-lock-'));
    file = join(folder, LOCK_FILE);
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('is held once: a second taker in this process is refused until the first releases', () => {
    const lock = lockDataFolder(folder, noClose);
    const record = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; host: string };
    assert.equal(record.pid, process.pid);
    assert.equal(record.host, hostname());
    assert.throws(() => lockDataFolder(folder, noClose), (e: unknown) => e instanceof DataFolderInUseError && /already open in this process/.test(e.message));
    lock.release();
    lock.release(); // idempotent
    assert.equal(existsSync(file), false);
    lockDataFolder(folder, noClose).release();
    assert.deepEqual(readdirSync(folder), []);
  });

  it('refuses a lock whose holder is alive on this host, naming it, and leaves the lock as it was', () => {
    const theirs = lockOf(process.ppid);
    writeFileSync(file, theirs);
    assert.throws(
      () => lockDataFolder(folder, noClose),
      (e: unknown) => e instanceof DataFolderInUseError && e.message.includes('open in another process') && e.message.includes(`start.js (pid ${process.ppid}, since`),
    );
    assert.equal(readFileSync(file, 'utf8'), theirs);
    assert.deepEqual(readdirSync(folder), [LOCK_FILE]);
  });

  it('takes over a stale lock (its pid is dead), and an earlier life of its own pid', () => {
    writeFileSync(file, lockOf(deadPid()));
    const lock = lockDataFolder(folder, noClose);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid, process.pid);
    lock.release();
    writeFileSync(file, lockOf(process.pid)); // e.g. a container restarted: the same pid 1, not this process's lock
    lockDataFolder(folder, noClose).release();
    assert.deepEqual(readdirSync(folder), []);
  });

  it('refuses a lock of another host, and a file it did not write, leaving them as they are', () => {
    const remote = lockOf(deadPid(), 'another-host');
    writeFileSync(file, remote);
    assert.throws(() => lockDataFolder(folder, noClose), (e: unknown) => e instanceof DataFolderInUseError && /on host another-host/.test(e.message) && e.message.includes(`delete ${file}`));
    assert.equal(readFileSync(file, 'utf8'), remote);
    writeFileSync(file, 'not json');
    assert.throws(() => lockDataFolder(folder, noClose), (e: unknown) => e instanceof DataFolderInUseError && /is not a lock Gavelstream wrote/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), 'not json');
  });

  it('a release leaves alone a lock that is no longer its own', () => {
    const lock = lockDataFolder(folder, noClose);
    const theirs = lockOf(process.ppid);
    writeFileSync(file, theirs); // replaced by hand meanwhile
    lock.release();
    assert.equal(readFileSync(file, 'utf8'), theirs);
  });
});
