// Loads users' accounts from their streams (`account-<userId>`), keeping recent ones in a bounded
// LRU cache; every load catches up with the log (events after the cached version), so a decision
// sees every account event committed before it began. Many accounts are caught up in one read
// (`readStreams`, one query on PostgreSQL), so a batch of commands costs one round trip for all
// the accounts it needs, whatever their number.
import type { AccountFacts, AccountState, EventLog, RecordedEvent, StreamRead } from '../../domain/index.js';
import { accountStreamIdOf, decodeAccountEvent, evolveAccount, initialAccount } from '../../domain/index.js';
import { CorruptStreamError } from './auction-repository.js';

export interface LoadedAccount {
  readonly state: AccountState;
  readonly version: number;
}

/** Where the command handler gets the account facts of its commands from. */
export interface AccountFactsSource {
  /** The current standing of each user named (users with no stream included: active, no blocks). */
  standings(userIds: readonly string[]): Promise<AccountFacts>;
}

const apply = (from: LoadedAccount, recorded: readonly RecordedEvent[]): LoadedAccount => {
  let { state, version } = from;
  for (const event of recorded) {
    if (event.streamVersion !== version + 1) throw new CorruptStreamError(event.streamId, version + 1, `expected version ${version + 1}, read ${event.streamVersion}`);
    const decoded = decodeAccountEvent(event);
    if (!decoded.ok) throw new CorruptStreamError(event.streamId, event.streamVersion, decoded.problem);
    state = evolveAccount(state, decoded.event);
    version = event.streamVersion;
  }
  return { state, version };
};

interface Waiting {
  readonly ids: readonly string[];
  readonly resolve: (loaded: ReadonlyMap<string, LoadedAccount>) => void;
  readonly reject: (error: unknown) => void;
}

export interface AccountRepositoryOptions {
  /** Accounts kept in the cache. Default 100 000. */
  readonly capacity?: number;
  /**
   * Catch-up reads running at once. Loads asked for while they run wait and go together into the
   * next read (one query for all of them), as appends share a group commit. Default 1.
   */
  readonly readsInFlight?: number;
}

export class AccountRepository implements AccountFactsSource {
  private readonly cache = new Map<string, LoadedAccount>();
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private readonly capacity: number;
  private readonly readsInFlight: number;

  constructor(
    private readonly log: EventLog,
    options: AccountRepositoryOptions = {},
  ) {
    this.capacity = options.capacity ?? 100_000;
    this.readsInFlight = options.readsInFlight ?? 1;
  }

  /**
   * Each named account as of the log's latest version: read by a catch-up read that starts after
   * this call (possibly together with other loads), so no account event committed before the call
   * is missed.
   */
  loadMany(userIds: readonly string[]): Promise<ReadonlyMap<string, LoadedAccount>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ids: [...new Set(userIds)], resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.readsInFlight && this.waiting.length > 0) {
      const taken = this.waiting.splice(0, this.waiting.length);
      this.running += 1;
      void this.readFor(taken).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  /** One read for every load taken; each load fails only for an account of its own that cannot be read. */
  private async readFor(taken: readonly Waiting[]): Promise<void> {
    let loaded: ReadonlyMap<string, LoadedAccount | CorruptStreamError>;
    try {
      loaded = await this.readNow([...new Set(taken.flatMap((w) => w.ids))]);
    } catch (error) {
      for (const w of taken) w.reject(error);
      return;
    }
    for (const w of taken) {
      const corrupt = w.ids.map((id) => loaded.get(id)).find((l) => l instanceof CorruptStreamError);
      if (corrupt !== undefined) w.reject(corrupt);
      else w.resolve(new Map(w.ids.map((id) => [id, loaded.get(id) as LoadedAccount])));
    }
  }

  private async readNow(ids: readonly string[]): Promise<ReadonlyMap<string, LoadedAccount | CorruptStreamError>> {
    const known = ids.map((id) => this.cache.get(id) ?? { state: initialAccount(id), version: 0 });
    const reads: StreamRead[] = ids.map((id, i) => ({ streamId: accountStreamIdOf(id), fromVersion: known[i]!.version + 1 }));
    const recorded = await this.read(reads);
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of recorded) {
      const list = byStream.get(event.streamId);
      if (list === undefined) byStream.set(event.streamId, [event]);
      else list.push(event);
    }
    const loaded = new Map<string, LoadedAccount | CorruptStreamError>();
    ids.forEach((id, i) => {
      try {
        const next = apply(known[i]!, byStream.get(reads[i]!.streamId) ?? []);
        this.remember(id, next);
        loaded.set(id, next);
      } catch (error) {
        if (!(error instanceof CorruptStreamError)) throw error;
        loaded.set(id, error);
      }
    });
    return loaded;
  }

  async load(userId: string): Promise<LoadedAccount> {
    return (await this.loadMany([userId])).get(userId)!;
  }

  async standings(userIds: readonly string[]): Promise<AccountFacts> {
    if (userIds.length === 0) return new Map();
    const loaded = await this.loadMany(userIds);
    return new Map([...loaded].map(([id, { state }]) => [id, state]));
  }

  /** Records events this process just appended to the user's stream. */
  appended(userId: string, from: LoadedAccount, recorded: readonly RecordedEvent[]): LoadedAccount {
    const next = apply(from, recorded);
    this.remember(userId, next);
    return next;
  }

  private read(reads: readonly StreamRead[]): Promise<readonly RecordedEvent[]> {
    if (this.log.readStreams !== undefined) return this.log.readStreams(reads);
    return Promise.all(reads.map((r) => this.log.readStream(r.streamId, r.fromVersion))).then((lists) => lists.flat());
  }

  private remember(userId: string, loaded: LoadedAccount): void {
    this.cache.delete(userId);
    this.cache.set(userId, loaded);
    if (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
