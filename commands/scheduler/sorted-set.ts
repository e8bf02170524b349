// A small in-memory sorted set, ordered like a Redis zset: by score, then by member.
interface Item {
  readonly score: number;
  readonly member: string;
}

const before = (a: Item, b: Item): boolean => a.score < b.score || (a.score === b.score && a.member < b.member);

export class SortedSet {
  private readonly scores = new Map<string, number>();
  private readonly items: Item[] = [];

  get size(): number {
    return this.items.length;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  add(member: string, score: number): void {
    this.remove(member);
    const item = { score, member };
    this.items.splice(this.indexOf(item), 0, item);
    this.scores.set(member, score);
  }

  remove(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.items.splice(this.indexOf({ score, member }), 1);
    this.scores.delete(member);
    return true;
  }

  /** Members with score <= max, lowest first, at most limit. */
  rangeByScore(max: number, limit: number): string[] {
    const out: string[] = [];
    for (const item of this.items) {
      if (item.score > max || out.length >= limit) break;
      out.push(item.member);
    }
    return out;
  }

  first(): Item | undefined {
    return this.items[0];
  }

  /** The first position whose item is not before `item` (binary search). */
  private indexOf(item: Item): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.items[mid] as Item, item)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
