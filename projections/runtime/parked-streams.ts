// Parked streams: a projector that meets an event it cannot project (it does not decode, even
// upcast, or it cannot follow the state before it, such as a bid before AuctionCreated) parks that
// event's stream. It records where (stream, version, log position), skips that event and every
// later one of the stream (applying them without it would build a state no rebuild reproduces),
// and goes on with every other stream; its checkpoint advances. Each projector keeps its parked
// streams where it keeps its checkpoint (the read models: table parked_streams, in the same
// transaction; the live cache: Redis or memory), and reports them here: one error line per newly
// parked stream, a gauge of parked streams, a counter of skipped events, and the list /health shows.
// A rebuild (with the decoder fixed by an upcaster) projects such a stream from scratch again.
import * as t from 'io-ts';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RecordedEvent } from '../../domain/index.js';
import type { Logger } from '../../infra/index.js';
import type { Unprojectable } from './projected-event.js';

/**
 * One parked stream of one projection: `streamVersion` and `position` are those of the event that
 * could not be projected (the stream is projected up to the version before it).
 */
export const ParkedStreamCodec = t.readonly(t.type({
  projection: t.string,
  streamId: t.string,
  streamVersion: t.number,
  position: t.string,
  eventId: t.string,
  eventType: t.string,
  reason: t.string,
}), 'ParkedStream');
export type ParkedStream = t.TypeOf<typeof ParkedStreamCodec>;

export const parkedStreamOf = (projection: string, { recorded, reason }: Unprojectable): ParkedStream => ({
  projection,
  streamId: recorded.streamId,
  streamVersion: recorded.streamVersion,
  position: recorded.position,
  eventId: recorded.eventId,
  eventType: recorded.type,
  reason,
});

/** Where projectors report parking (ParkingMonitor; tests may record). */
export interface ParkingReporter {
  /** `stream` was just parked (reported once, when the projector first records it). */
  parked(stream: ParkedStream): void;
  /** `count` delivered events of parked streams were skipped. */
  skipped(projection: string, count: number): void;
}

/** A projector's parked streams as it stores them now. */
export type ParkedStreamLister = () => Promise<readonly ParkedStream[]>;

/** Orders parked streams by stream id (listings). */
export const byStreamId = (a: ParkedStream, b: ParkedStream): number => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0);

/** How many of one stream's delivered events a parked stream skips: those from `version` on. */
export const skippedFrom = (events: readonly RecordedEvent[], version: number): number => events.filter((e) => e.streamVersion >= version).length;

export interface ParkingMonitorOptions {
  readonly logger: Logger;
  /** Where the gauge and the counter go (the registry GET /metrics serves). */
  readonly registry?: Registry;
}

/**
 * The process's view of parked streams, for the log, /metrics and /health. The projectors' own
 * records are the truth (`register` a lister per projection); the monitor keeps no copy.
 */
export class ParkingMonitor implements ParkingReporter {
  private readonly listers = new Map<string, ParkedStreamLister>();
  private readonly logger: Logger;
  private readonly skippedEvents: Counter<'projection'> | undefined;

  constructor(options: ParkingMonitorOptions) {
    this.logger = options.logger.child({ component: 'parked-streams' });
    if (options.registry === undefined) return;
    const registers = [options.registry];
    this.skippedEvents = new Counter({
      name: 'gavelstream_projector_skipped_events_total',
      help: 'Events a projector skipped because their stream is parked (the event it could not project included)',
      labelNames: ['projection'] as const,
      registers,
    });
    const listers = this.listers;
    const logger = this.logger;
    new Gauge({
      name: 'gavelstream_projector_parked_streams',
      help: 'Streams a projector parked at an event it cannot project (see README, "Events that cannot be read")',
      labelNames: ['projection'] as const,
      registers,
      async collect() {
        for (const [projection, list] of listers) {
          try {
            this.set({ projection }, (await list()).length);
          } catch (err) {
            logger.warn({ err, projection }, 'could not count parked streams');
          }
        }
      },
    });
  }

  /** Adds a projection whose parked streams /health and the gauge show. */
  register(projection: string, list: ParkedStreamLister): void {
    this.listers.set(projection, list);
  }

  parked(stream: ParkedStream): void {
    this.logger.error(
      { projection: stream.projection, streamId: stream.streamId, streamVersion: stream.streamVersion, position: stream.position, eventId: stream.eventId, eventType: stream.eventType, reason: stream.reason },
      `${stream.projection} parked stream ${stream.streamId} at version ${stream.streamVersion} (log position ${stream.position}): ${stream.reason}; its later events are skipped until a rebuild projects it`,
    );
  }

  skipped(projection: string, count: number): void {
    if (count > 0) this.skippedEvents?.inc({ projection }, count);
  }

  /** Every registered projection's parked streams; a projection whose store fails is named in `unavailable`. */
  async list(): Promise<{ readonly parked: readonly ParkedStream[]; readonly unavailable: readonly string[] }> {
    const parked: ParkedStream[] = [];
    const unavailable: string[] = [];
    for (const [projection, list] of this.listers) {
      try {
        parked.push(...(await list()));
      } catch (err) {
        this.logger.warn({ err, projection }, 'could not list parked streams');
        unavailable.push(projection);
      }
    }
    return { parked, unavailable };
  }
}
