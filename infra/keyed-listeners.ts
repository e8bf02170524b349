// Listeners by key (an auction, a user), for the in-memory feeds of embedded mode: add one and get
// the function that removes it; a key without listeners is forgotten.
export class KeyedListeners<L> {
  private readonly byKey = new Map<string, Set<L>>();

  /** Adds `listener` under `key`; resolves to the function that removes it. */
  add(key: string, listener: L): Promise<() => Promise<void>> {
    let set = this.byKey.get(key);
    if (set === undefined) this.byKey.set(key, (set = new Set()));
    set.add(listener);
    return Promise.resolve(() => {
      const current = this.byKey.get(key);
      current?.delete(listener);
      if (current?.size === 0) this.byKey.delete(key);
      return Promise.resolve();
    });
  }

  /** The listeners of `key` (none: empty). */
  of(key: string): Iterable<L> {
    return this.byKey.get(key) ?? [];
  }

  /** Keys with at least one listener. */
  get size(): number {
    return this.byKey.size;
  }

  clear(): void {
    this.byKey.clear();
  }
}
