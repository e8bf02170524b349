// Prometheus metrics: a registry with Node's default metrics, an HTTP request histogram, the
// requests in flight, and the `GET /metrics` handler.
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Request, RequestHandler } from 'express';

export interface HttpMetricsOptions {
  /** Use this registry instead of a new one (e.g. to add other metrics to the same page). */
  readonly registry?: Registry;
  /** Prefix of every metric name. Default 'gavelstream_'. */
  readonly prefix?: string;
  /** Collect process metrics (CPU, memory, event-loop lag, GC). Default true. */
  readonly defaultMetrics?: boolean;
  /** Labels added to every metric, e.g. {role: 'command-api'}. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface HttpMetrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Requests received and not answered yet (a graceful stop waits for them). */
  readonly requestsInFlight: Gauge;
  /** Times every request: mount first, before the routes. */
  readonly middleware: RequestHandler;
  /** `GET /metrics`: the registry in Prometheus text format. */
  readonly handler: RequestHandler;
}

/**
 * The route label is the matched route pattern (`/v1/auctions/:id/bids`, with its router's
 * mount path), never the raw path, so ids do not multiply the series; requests that matched
 * no route are labelled 'unmatched'.
 */
export const routeLabel = (req: Request): string => {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route === undefined || typeof route.path !== 'string') return 'unmatched';
  return `${req.baseUrl}${route.path}`;
};

export const createHttpMetrics = (options: HttpMetricsOptions = {}): HttpMetrics => {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'gavelstream_';
  if (options.labels !== undefined) registry.setDefaultLabels({ ...options.labels });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix });
  const requestDuration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP requests by route pattern, method and status, and how long they took to answer',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const requestsInFlight = new Gauge({
    name: `${prefix}http_requests_in_flight`,
    help: 'HTTP requests received and not answered yet',
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    requestsInFlight.inc();
    res.once('close', () => requestsInFlight.dec());
    // The route is known only once a router matched it, and baseUrl is reset when the request
    // leaves a router: take the label as soon as the handler answers, on 'finish'.
    let label: string | undefined;
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
      label ??= routeLabel(req);
      return writeHead.apply(this, args);
    } as typeof res.writeHead;
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      requestDuration.observe({ method: req.method, route: label ?? routeLabel(req), status: String(res.statusCode) }, seconds);
    });
    next();
  };

  const handler: RequestHandler = async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  };

  return { registry, requestDuration, requestsInFlight, middleware, handler };
};
