// Matching accepted bids to the `auction.updated` frames that show them (the bid-to-frame figure).
// Pure: the times are whatever clock the caller uses (performance.now() in the benchmark).
//
// A bid answered 201 with version v is visible in the first frame of its auction whose version is
// at least v: frames come in version order, one per change, and a frame may arrive before the 201
// does, so arrivals are kept per auction and a bid is matched once both are known.

export interface SentBid {
  readonly auctionId: string;
  /** The `version` of the 201 answer. */
  readonly version: number;
  /** When the request was sent. */
  readonly sentAt: number;
}

export interface FrameLatencies {
  /** Frame arrival minus request sent, per matched bid, ascending (ms). */
  readonly latencies: readonly number[];
  /** Bids with no frame at or after their version (yet). */
  readonly unmatched: number;
}

/** The arrivals of `auction.updated` frames, per auction, in the order they came. */
export class FrameArrivals {
  private readonly byAuction = new Map<string, { versions: number[]; at: number[] }>();

  /** Records a frame; a frame older than one already seen on its auction (a repeat) is ignored. */
  record(auctionId: string, version: number, at: number): void {
    let frames = this.byAuction.get(auctionId);
    if (frames === undefined) {
      frames = { versions: [], at: [] };
      this.byAuction.set(auctionId, frames);
    }
    const last = frames.versions[frames.versions.length - 1];
    if (last !== undefined && version <= last) return;
    frames.versions.push(version);
    frames.at.push(at);
  }

  /** When the first frame of `auctionId` with a version of at least `version` arrived, if one did. */
  firstAtOrAfter(auctionId: string, version: number): number | undefined {
    const frames = this.byAuction.get(auctionId);
    if (frames === undefined) return undefined;
    // Binary search over the ascending versions.
    let lo = 0;
    let hi = frames.versions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (frames.versions[mid]! < version) lo = mid + 1;
      else hi = mid;
    }
    return lo < frames.at.length ? frames.at[lo] : undefined;
  }

  /** Whether every bid has its frame. */
  allSeen(bids: readonly SentBid[]): boolean {
    return bids.every((b) => this.firstAtOrAfter(b.auctionId, b.version) !== undefined);
  }

  /** Each bid's latency to its frame. */
  latencies(bids: readonly SentBid[]): FrameLatencies {
    const latencies: number[] = [];
    let unmatched = 0;
    for (const bid of bids) {
      const at = this.firstAtOrAfter(bid.auctionId, bid.version);
      if (at === undefined) unmatched += 1;
      else latencies.push(at - bid.sentAt);
    }
    latencies.sort((a, b) => a - b);
    return { latencies, unmatched };
  }
}
