// CPU time per accepted bid, by process of the system under test: read from each process
// (process.cpuUsage()) before and after a measured run. Unlike a profile's busy share, it does not
// count the time a process waited for a CPU that other processes held.

export interface ProcessCpu {
  readonly name: string;
  /** CPU time (user + system) the process used during the run, in ms. */
  readonly cpuMs: number;
  /** cpuMs per accepted bid. */
  readonly perBidMs: number;
}

/** Per process, the CPU time between two readings (ms by process name) and its share per accepted bid. */
export const cpuPerBid = (before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>, accepted: number): ProcessCpu[] =>
  [...after].flatMap(([name, end]) => {
    const start = before.get(name);
    if (start === undefined) return [];
    const cpuMs = Math.max(0, end - start);
    return [{ name, cpuMs, perBidMs: accepted > 0 ? cpuMs / accepted : 0 }];
  });

/** "command-api 1 1.20 ms, ... ; all processes 3.40 ms" per accepted bid. */
export const formatCpuPerBid = (cpu: readonly ProcessCpu[]): string => {
  const total = cpu.reduce((sum, c) => sum + c.perBidMs, 0);
  const parts = cpu.map((c) => `${c.name} ${c.perBidMs.toFixed(2)}`);
  return `${cpu.length > 1 ? `${parts.join(', ')}; all processes ` : ''}${total.toFixed(2)} ms`;
};
