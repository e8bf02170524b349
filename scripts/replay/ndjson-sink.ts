// Writes events as NDJSON (one RecordedEvent JSON per line, the Kafka message value) to a stream,
// a page per write, and carries the other exports' text and bytes (a table's rows, a Parquet
// file's row groups): it waits for 'drain' when the stream's buffer is full (a slow reader slows
// the replay down instead of growing memory), and treats a reader that went away (EPIPE, as when
// `| head` exits) as the end of the replay, not as a failure.
import type { Writable } from 'node:stream';
import type { RecordedEvent } from '../../domain/index.js';
import { RecordedEventCodec } from '../../domain/index.js';

/** One NDJSON line: exactly what a Kafka message value on auction-events holds, plus '\n'. */
export const ndjsonLine = (event: RecordedEvent): string => `${JSON.stringify(RecordedEventCodec.encode(event))}\n`;

const readerGoneCodes = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ECONNRESET']);

export const isReaderGone = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && readerGoneCodes.has(String((error as { code: unknown }).code));

export class NdjsonSink {
  private gone = false;
  private failure: Error | undefined;
  private readonly wakers = new Set<() => void>();

  /** `ownsStream`: end the stream on finish (a file), rather than leave it open (stdout). */
  constructor(
    private readonly out: Writable,
    private readonly ownsStream: boolean,
  ) {
    out.on('error', (error: Error) => {
      if (isReaderGone(error)) this.gone = true;
      else this.failure ??= error;
      this.wake();
    });
    out.on('close', () => {
      if (!this.out.writableFinished) this.gone = true;
      this.wake();
    });
    out.on('drain', () => this.wake());
    out.on('finish', () => this.wake());
  }

  /** True once the reader closed its end: nothing more will be written. */
  get readerGone(): boolean {
    return this.gone;
  }

  /** Writes the events; resolves when the stream can take more. False once the reader has gone. */
  write(events: readonly RecordedEvent[]): Promise<boolean> {
    let chunk = '';
    for (const event of events) chunk += ndjsonLine(event);
    return this.writeText(chunk);
  }

  /** Writes text as it is, under the same rules as `write`. */
  writeText(chunk: string): Promise<boolean> {
    return this.writeChunk(chunk);
  }

  /** Writes bytes as they are (a Parquet file's), under the same rules as `write`. */
  writeBytes(chunk: Uint8Array): Promise<boolean> {
    return this.writeChunk(chunk);
  }

  private async writeChunk(chunk: string | Uint8Array): Promise<boolean> {
    this.check();
    if (this.gone) return false;
    if (chunk.length === 0) return true;
    let accepted: boolean;
    try {
      accepted = this.out.write(chunk);
    } catch (error) {
      if (!isReaderGone(error)) throw error;
      this.gone = true;
      return false;
    }
    this.noteErrored();
    if (!accepted) await this.until(() => !this.out.writableNeedDrain);
    this.noteErrored();
    this.check();
    return !this.gone;
  }

  /** A stream may fail a write before its 'error' event is emitted: look now rather than a page later. */
  private noteErrored(): void {
    const error = this.out.errored;
    if (error === null || error === undefined) return;
    if (isReaderGone(error)) this.gone = true;
    else this.failure ??= error;
  }

  /** Flushes what is buffered; ends the stream when it is ours. */
  async finish(): Promise<void> {
    this.check();
    if (this.gone) return;
    if (this.ownsStream) {
      this.out.end();
      await this.until(() => this.out.closed);
    } else {
      // A write's callback runs once every earlier chunk has been handed on.
      let flushed = false;
      this.out.write('', () => {
        flushed = true;
        this.wake();
      });
      await this.until(() => flushed);
    }
    this.check();
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private until(ready: () => boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const test = () => {
        if (ready() || this.gone || this.failure !== undefined || this.out.destroyed) {
          this.wakers.delete(test);
          resolve();
        }
      };
      this.wakers.add(test);
      test();
    });
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}
