// The projections a source test started, stopped after each test (or one by one as the test says),
// so that no consumer outlives its test: what the bus source contract and the Kafka source's own
// tests do alike.
import type { RunningProjection } from '../../projections/index.js';

export class RunningProjections {
  private readonly list: RunningProjection[] = [];

  /** Keeps `running` to stop after the test; returns it. */
  track(running: RunningProjection): RunningProjection {
    this.list.push(running);
    return running;
  }

  /** Stops `running` now (it is no longer kept). */
  async stop(running: RunningProjection): Promise<void> {
    this.list.splice(this.list.indexOf(running), 1);
    await running.stop();
  }

  /** Stops every one kept (an afterEach). */
  async stopAll(): Promise<void> {
    await Promise.all(this.list.splice(0).map((r) => r.stop()));
  }
}
