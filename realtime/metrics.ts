// Prometheus metrics of a realtime node (prom-client): what it holds open, and what it sends.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export interface RealtimeGauges {
  connections(): number;
  subscriptions(): number;
  auctionFeeds(): number;
  pendingCacheReads(): number;
}

export interface RealtimeMetrics {
  /** Frames sent, by type; a published frame counts once per socket it reaches. */
  readonly frames: Counter<'type'>;
  readonly clientErrors: Counter<'code'>;
  readonly disconnects: Counter<'code'>;
  readonly resyncs: Counter;
  /** Sockets closed for sending frames over their rate (1008). */
  readonly rateLimitCloses: Counter;
  /** Upgrades refused with 429: the address had its maximum of sockets open. */
  readonly refusedConnections: Counter;
  /** Reads of the live cache, by kind (resync: an auction's state; history: catch-ups of resuming sockets). */
  readonly cacheReads: Counter<'kind'>;
}

export const createRealtimeMetrics = (registry: Registry, gauges: RealtimeGauges, prefix = 'gavelstream_realtime_'): RealtimeMetrics => {
  new Gauge({
    name: `${prefix}connections`,
    help: 'Open WebSocket connections',
    registers: [registry],
    collect() {
      this.set(gauges.connections());
    },
  });
  new Gauge({
    name: `${prefix}subscriptions`,
    help: 'Auction subscriptions of open sockets',
    registers: [registry],
    collect() {
      this.set(gauges.subscriptions());
    },
  });
  new Gauge({
    name: `${prefix}auction_feeds`,
    help: 'Auctions this node follows on the live feed (one Redis channel subscription each)',
    registers: [registry],
    collect() {
      this.set(gauges.auctionFeeds());
    },
  });
  new Gauge({
    name: `${prefix}pending_cache_reads`,
    help: 'Reads of the live cache in flight (at most two per followed auction)',
    registers: [registry],
    collect() {
      this.set(gauges.pendingCacheReads());
    },
  });
  return {
    frames: new Counter({ name: `${prefix}frames_sent_total`, help: 'Frames sent to sockets, by type', labelNames: ['type'] as const, registers: [registry] }),
    clientErrors: new Counter({ name: `${prefix}client_errors_total`, help: 'Error frames sent, by code', labelNames: ['code'] as const, registers: [registry] }),
    disconnects: new Counter({
      name: `${prefix}disconnects_total`,
      help: 'Closed connections by close code (1006: dropped, including slow consumers over the backpressure limit)',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    resyncs: new Counter({ name: `${prefix}feed_resyncs_total`, help: 'Re-reads of the live cache after a gap in the feed', registers: [registry] }),
    rateLimitCloses: new Counter({ name: `${prefix}rate_limit_closes_total`, help: 'Sockets closed (1008) for sending frames over their rate', registers: [registry] }),
    refusedConnections: new Counter({ name: `${prefix}refused_connections_total`, help: 'WebSocket upgrades refused with 429 (per-address connection limit)', registers: [registry] }),
    cacheReads: new Counter({ name: `${prefix}cache_reads_total`, help: 'Reads of the live cache, by kind (resync, history)', labelNames: ['kind'] as const, registers: [registry] }),
  };
};
