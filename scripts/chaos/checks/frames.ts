// Whether a subscriber's frames of one auction kept the protocol's promise (pure): after each
// baseline (a snapshot, or the first update on a fresh subscription), versions rise by exactly one,
// across reconnections too (a resumption with `sinceVersion` continues where the client was);
// none comes twice or goes back; and the last one is the auction's final version in the log.
// A snapshot replaces the client's state: one that moves forward is a resync (reported, not a
// miss: the protocol sends one when its history no longer reaches back); one that goes back to a
// version already seen counts the versions it will see again as doubled.
import type { FrameEntry } from '../load/records.js';

export interface FrameCheck {
  /** Snapshots and updates received. */
  readonly received: number;
  /** Versions skipped (a hole between two updates, or short of the final version at the end). */
  readonly missed: number;
  /** Versions received again (an update not above the last version held, a snapshot going back). */
  readonly doubled: number;
  /** Snapshots after the first baseline. */
  readonly resyncs: number;
  readonly reconnections: number;
  /** The last version held, if any. */
  readonly last: number | undefined;
  readonly problems: readonly string[];
}

/**
 * @param entries what the subscriber received of one auction, in order
 * @param finalVersion the auction's last version in the log (the subscriber must end there)
 */
export const checkFrameSequence = (entries: readonly FrameEntry[], finalVersion?: number): FrameCheck => {
  let last: number | undefined;
  let received = 0;
  let missed = 0;
  let doubled = 0;
  let resyncs = 0;
  let connections = 0;
  const problems: string[] = [];
  for (const entry of entries) {
    if (entry.kind === 'connected') {
      connections += 1;
      continue;
    }
    received += 1;
    const v = entry.version;
    if (entry.kind === 'snapshot') {
      if (last !== undefined) {
        resyncs += 1;
        if (v < last) {
          doubled += last - v;
          problems.push(`snapshot at version ${v} after version ${last}`);
        }
      }
      last = v;
    } else if (last === undefined) {
      last = v;
    } else if (v === last + 1) {
      last = v;
    } else if (v <= last) {
      doubled += 1;
      problems.push(`version ${v} again after version ${last}`);
    } else {
      missed += v - last - 1;
      problems.push(`versions ${last + 1}-${v - 1} missed (version ${v} after ${last})`);
      last = v;
    }
  }
  if (finalVersion !== undefined) {
    if (last === undefined) {
      missed += finalVersion;
      problems.push(`nothing received; the auction is at version ${finalVersion}`);
    } else if (last < finalVersion) {
      missed += finalVersion - last;
      problems.push(`ended at version ${last}; the auction is at version ${finalVersion}`);
    } else if (last > finalVersion) {
      problems.push(`ended at version ${last}, beyond the log's version ${finalVersion}`);
    }
  }
  return { received, missed, doubled, resyncs, reconnections: Math.max(0, connections - 1), last, problems };
};
