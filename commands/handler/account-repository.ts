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

export class AccountRepository implements AccountFactsSource {
  private readonly cache = new Map<string, LoadedAccount>();

  constructor(
    private readonly log: EventLog,
    private readonly capacity = 100_000,
  ) {}

  /** Each named account as of the log's latest version. */
  async loadMany(userIds: readonly string[]): Promise<ReadonlyMap<string, LoadedAccount>> {
    const ids = [...new Set(userIds)];
    const known = ids.map((id) => this.cache.get(id) ?? { state: initialAccount(id), version: 0 });
    const reads: StreamRead[] = ids.map((id, i) => ({ streamId: accountStreamIdOf(id), fromVersion: known[i]!.version + 1 }));
    const recorded = await this.read(reads);
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of recorded) {
      const list = byStream.get(event.streamId);
      if (list === undefined) byStream.set(event.streamId, [event]);
      else list.push(event);
    }
    const loaded = new Map<string, LoadedAccount>();
    ids.forEach((id, i) => {
      const next = apply(known[i]!, byStream.get(reads[i]!.streamId) ?? []);
      this.remember(id, next);
      loaded.set(id, next);
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
