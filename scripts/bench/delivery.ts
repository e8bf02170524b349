// Delivery latency of the fan-out suite, pure: which frame delivered which bid to a socket, and a
// histogram of latencies that the client processes fill and the benchmark merges.

export interface Frame {
  /** The auction version the frame carries. */
  readonly version: number;
  /** When the socket received it (ms on the shared clock). */
  readonly at: number;
}

export interface DeliveryCount {
  /** Bid versions delivered to this socket, each by its first frame at or after its version. */
  readonly latencies: number[];
  /** Bid versions no frame reached. */
  readonly missing: number;
}

/**
 * Per bid (version -> when it was sent), the time until the socket's first frame at that version or
 * later (frames come in version order; a frame may carry several bids when they were projected
 * together). `bids` must be sorted by version.
 */
export const deliveries = (bids: readonly (readonly [version: number, sentAt: number])[], frames: readonly Frame[]): DeliveryCount => {
  const latencies: number[] = [];
  let missing = 0;
  let f = 0;
  for (const [version, sentAt] of bids) {
    while (f < frames.length && frames[f]!.version < version) f += 1;
    const frame = frames[f];
    if (frame === undefined) missing += 1;
    else latencies.push(frame.at - sentAt);
  }
  return { latencies, missing };
};

/**
 * The same count for a socket whose `auction.updated` frames were checked to run gap-free from
 * `snapshotVersion + 1` (the k-th frame carries version snapshotVersion + k): only their arrival
 * times are kept. A bid at or below the snapshot's version was in the snapshot: neither delivered
 * by a frame nor missing. `bids` sorted by version, as above.
 */
export const consecutiveDeliveries = (bids: readonly (readonly [version: number, sentAt: number])[], snapshotVersion: number, arrivals: readonly number[]): DeliveryCount => {
  const latencies: number[] = [];
  let missing = 0;
  for (const [version, sentAt] of bids) {
    const index = version - snapshotVersion - 1;
    if (index < 0) continue;
    if (index < arrivals.length) latencies.push(arrivals[index]! - sentAt);
    else missing += 1;
  }
  return { latencies, missing };
};

/** Latencies in 0.1 ms bins (negative ones count as 0), as sparse [bin, count] entries. */
export class LatencyHistogram {
  private readonly bins = new Map<number, number>();
  private total = 0;

  get count(): number {
    return this.total;
  }

  add(ms: number, count = 1): void {
    const bin = Math.max(0, Math.round(ms * 10));
    this.bins.set(bin, (this.bins.get(bin) ?? 0) + count);
    this.total += count;
  }

  merge(entries: readonly (readonly [bin: number, count: number])[]): void {
    for (const [bin, count] of entries) this.add(bin / 10, count);
  }

  entries(): [number, number][] {
    return [...this.bins].sort((a, b) => a[0] - b[0]);
  }

  /** The smallest latency at or below which p% of the samples lie (NaN when empty). */
  percentile(p: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (const [bin, count] of this.entries()) {
      seen += count;
      if (seen >= rank) return bin / 10;
    }
    return NaN;
  }

  max(): number {
    const all = this.entries();
    return all.length === 0 ? NaN : all[all.length - 1]![0] / 10;
  }
}
