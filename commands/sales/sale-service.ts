// Creating a timed sale: SaleCreated in the sale's own stream (`sale-<id>`), then each lot's
// AuctionCreated through the command handler, in lot order. Every id derives from the command id
// (the sale's, and each lot's command), so a retry after a crash anywhere in between appends
// nothing twice: the sale is found in the log as this command wrote it, and each lot's create is
// answered from the log (replayed) or made now.
import * as E from 'fp-ts/lib/Either.js';
import type { CreateSale, EventLog, Rejection, SaleCreated, UtcTimestamp } from '../../domain/index.js';
import { decideSale, decodeSaleEvent, fromMillis, initialSale, lotCommands, reject, saleSchemaVersion, saleStreamIdOf } from '../../domain/index.js';
import type { CommandContext, CommandHandler } from '../handler/index.js';
import { newEventsOf, uuidFrom } from '../handler/index.js';

export interface CreatedSale {
  readonly saleId: string;
  readonly lots: readonly { readonly lotNumber: number; readonly auctionId: string }[];
  /** The sale stream's version. */
  readonly version: number;
  /** The sale was in the log already (a retry). */
  readonly replayed: boolean;
}

export interface SaleServiceDeps {
  readonly log: EventLog;
  readonly handler: CommandHandler;
  readonly clock?: () => Date;
  /** Lots created at once (default 16). */
  readonly concurrency?: number;
}

/** A lot's refusal, naming the lot: its fields as the sale's body has them (`lots[2].endsAt`). */
const ofLot = (lotNumber: number, r: Rejection): Rejection =>
  reject(r.code, `lot ${lotNumber}: ${r.message}`, {
    ...(r.fields !== undefined ? { fields: r.fields.map((f) => ({ path: `lots[${lotNumber - 1}].${f.path}`, message: f.message })) } : {}),
    ...(r.minimumAmount !== undefined ? { minimumAmount: r.minimumAmount } : {}),
  });

/** Each lot's command id: derived from the sale's, so a retry re-sends the very same commands. */
export const lotCommandId = (saleCommandId: string, lotNumber: number): string => uuidFrom('sale-lot', saleCommandId, String(lotNumber));

export class SaleService {
  private readonly clock: () => Date;
  private readonly concurrency: number;

  constructor(private readonly deps: SaleServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.concurrency = deps.concurrency ?? 16;
  }

  async create(command: Omit<CreateSale, 'now'>, context: CommandContext): Promise<E.Either<Rejection, CreatedSale>> {
    const sale = await this.appendSale(command, context);
    if (E.isLeft(sale)) return sale;
    const { data, version, replayed } = sale.right;
    const commands = lotCommands(data);
    let next = 0;
    let refused: Rejection | undefined;
    const lane = async (): Promise<void> => {
      while (next < commands.length && refused === undefined) {
        const lot = commands[next++]!;
        const result = await this.deps.handler.handle(lot, { ...context, commandId: lotCommandId(context.commandId, lot.lot!.lotNumber) });
        if (E.isLeft(result)) refused ??= ofLot(lot.lot!.lotNumber, result.left);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, commands.length) }, lane));
    if (refused !== undefined) return E.left(refused);
    return E.right({ saleId: data.saleId, lots: data.lots.map(({ lotNumber, auctionId }) => ({ lotNumber, auctionId })), version, replayed });
  }

  /** The sale as this command wrote it: appended now, or found in the log (a retry). */
  private async appendSale(command: Omit<CreateSale, 'now'>, context: CommandContext): Promise<E.Either<Rejection, { data: SaleCreated['data']; version: number; replayed: boolean }>> {
    const streamId = saleStreamIdOf(command.saleId);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const existing = await this.deps.log.readStream(streamId);
      const first = existing[0];
      if (first !== undefined) {
        if (first.metadata.commandId !== context.commandId) return E.left(reject('SALE_ALREADY_EXISTS', `sale ${command.saleId} already exists`));
        const decoded = decodeSaleEvent(first);
        if (E.isLeft(decoded)) throw new Error(`${streamId}@1 cannot be read: ${decoded.left}`);
        return E.right({ data: decoded.right.data, version: existing.length, replayed: true });
      }
      const now: UtcTimestamp = fromMillis(this.clock().getTime());
      const decided = decideSale({ ...command, now }, initialSale);
      if (E.isLeft(decided)) return decided;
      const events = newEventsOf(decided.right, context, now, saleSchemaVersion);
      const result = await this.deps.log.appendToStream(streamId, 0, events);
      if (result.kind === 'appended') return E.right({ data: decided.right[0]!.data, version: result.events[result.events.length - 1]?.streamVersion ?? 1, replayed: false });
      // a conflict or a duplicate: the stream exists now; read it again
    }
    throw new Error(`sale ${command.saleId}: its stream kept changing`);
  }
}
