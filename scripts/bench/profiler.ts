// The V8 CPU profiler of the process it runs in (a child of the benchmark), started and stopped
// on request so that a profile covers only the measured window; the profile is written as the
// Chrome .cpuprofile JSON that cpu-profile.ts summarises.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

export interface Profiler {
  start(): Promise<void>;
  /** Stops the profiler and writes its profile to `file`. */
  stop(file: string): Promise<void>;
}

export const cpuProfiler = (): Profiler => {
  let session: Session | undefined;
  return {
    start: async () => {
      session ??= new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 1000 });
      await session.post('Profiler.start');
    },
    stop: async (file) => {
      if (session === undefined) throw new Error('the profiler was not started');
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = undefined;
      await writeFile(file, JSON.stringify(profile));
    },
  };
};
