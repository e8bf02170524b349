// The state of one fuzz run against one system: the auctions it knows (set up in every state by
// valid commands first, then created by the run), and the stream versions that commands answered
// 2xx with, which are the only ones the log may hold afterwards (see log-checks.ts).
import { randomBytes } from 'node:crypto';
import type { RawResponse } from '../support/raw-http.js';
import type { TestSystem } from '../support/system.js';
import type { RequestSpec } from './http-arbitraries.js';
import type { ResolvedRequest } from './http-sender.js';
import { describeRequest, resolveRequest, sendRequest } from './http-sender.js';
import { accountStreamIdOf, saleStreamIdOf, streamIdOf } from '../../domain/index.js';
import { authorizationProblems, readAuthorizationProblems } from './authorization-checks.js';
import { acceptedBody, responseProblems } from './response-checks.js';

const commandPaths: ReadonlySet<string> = new Set([
  '/v1/auctions', '/v1/auctions/:id/bids', '/v1/auctions/:id/buy-now', '/v1/auctions/:id/cancel', '/v1/auctions/:id/retractions',
  '/v1/auctions/:id/non-payment', '/v1/auctions/:id/second-chance-offers', '/v1/auctions/:id/second-chance-offers/accept', '/v1/auctions/:id/second-chance-offers/decline',
]);
/** The seller's approvals (PUT/DELETE), commands too: each answers 2xx with the version it left. */
const isCommand = (method: string, path: string): boolean =>
  (method === 'POST' && commandPaths.has(path)) || ((method === 'PUT' || method === 'DELETE') && path.startsWith('/v1/auctions/:id/approved-bidders/'));

export interface Exchange {
  readonly request: ResolvedRequest;
  readonly response: RawResponse;
  readonly problems: readonly string[];
}

export class FuzzWorld {
  readonly auctionIds: string[] = [];
  /** auction id -> stream versions that a 2xx command answer reported. */
  readonly acceptedVersions = new Map<string, Set<number>>();
  /** How many requests were sent, by status class, for the summary line. */
  readonly statusCounts = new Map<string, number>();

  private readonly keySalt = randomBytes(4).toString('hex');

  constructor(private readonly sys: TestSystem) {}

  private get context() {
    return { url: this.sys.url, secret: this.sys.config.jwtSecret, auctionIds: this.auctionIds, keySalt: this.keySalt };
  }

  /** The seller of an auction, as its first event says. */
  private async sellerOf(auctionId: string): Promise<string | undefined> {
    const [created] = await this.sys.resources.log.readStream(streamIdOf(auctionId)).catch(() => []);
    const sellerId = (created?.data as { sellerId?: unknown } | undefined)?.sellerId;
    return typeof sellerId === 'string' ? sellerId : undefined;
  }

  /**
   * Notes which version of an account stream a 2xx answer of an account route reports (README,
   * "Accounts"): registration writes version 1 of the new user's stream; the others name the
   * stream's owner and version. Kept under the stream id (log-checks.ts looks them up so).
   */
  private recordAccount(request: ResolvedRequest, body: Record<string, unknown>): void {
    const { path } = request.spec;
    const method = request.raw.method.toUpperCase();
    const owner = path === '/v1/accounts' && method === 'POST' ? body.userId
      : path === '/v1/me' && method === 'PATCH' ? body.userId
      : path === '/v1/me/blocked-bidders/:id' && (method === 'PUT' || method === 'DELETE') ? body.sellerId
      : path.startsWith('/v1/admin/users/') && method === 'POST' ? body.userId
      : undefined;
    const version = path === '/v1/accounts' ? 1 : body.version;
    if (typeof owner !== 'string' || typeof version !== 'number') return;
    const streamId = accountStreamIdOf(owner);
    const versions = this.acceptedVersions.get(streamId) ?? new Set<number>();
    versions.add(version);
    this.acceptedVersions.set(streamId, versions);
  }

  /** A sale's 201 accounts for its stream's SaleCreated and each lot's AuctionCreated (version 1); the lots join the auctions fuzzed. */
  private recordSale(request: ResolvedRequest, body: Record<string, unknown>): void {
    if (request.spec.path !== '/v1/sales' || typeof body.saleId !== 'string' || typeof body.version !== 'number' || !Array.isArray(body.lots)) return;
    this.acceptedVersions.set(saleStreamIdOf(body.saleId), new Set([body.version]));
    for (const lot of body.lots as unknown[]) {
      const auctionId = (lot as { auctionId?: unknown } | null)?.auctionId;
      if (typeof auctionId !== 'string') continue;
      if (!this.auctionIds.includes(auctionId)) this.auctionIds.push(auctionId);
      this.acceptedVersions.set(auctionId, new Set([...(this.acceptedVersions.get(auctionId) ?? []), 1]));
    }
  }

  /** Notes what a 2xx command answer says was written; returns the problems with who got it. */
  private async record(request: ResolvedRequest, response: RawResponse): Promise<string[]> {
    const body = acceptedBody(response);
    if (body !== undefined) this.recordAccount(request, body);
    if (body !== undefined) this.recordSale(request, body);
    if (!isCommand(request.raw.method, request.spec.path)) return response.status >= 200 && response.status < 300 ? readAuthorizationProblems(request.spec) : [];
    if (body === undefined) return [];
    const auctionId = typeof body.auctionId === 'string' ? body.auctionId : request.auctionId;
    const version = body.version;
    const problems = authorizationProblems(request.spec, auctionId === undefined ? undefined : await this.sellerOf(auctionId));
    if (auctionId === undefined || typeof version !== 'number') return problems;
    if (request.spec.path === '/v1/auctions' && !this.auctionIds.includes(auctionId)) this.auctionIds.push(auctionId);
    const versions = this.acceptedVersions.get(auctionId) ?? new Set<number>();
    versions.add(version);
    this.acceptedVersions.set(auctionId, versions);
    return problems;
  }

  /** Sends one request, records what it wrote, and returns the problems with its answer. */
  async exchange(spec: RequestSpec): Promise<Exchange> {
    const request = await resolveRequest(spec, this.context);
    const response = await sendRequest(request, this.sys.url);
    const refused = await this.record(request, response);
    const klass = response.status === 0 ? 'none' : `${Math.floor(response.status / 100)}xx`;
    this.statusCounts.set(klass, (this.statusCounts.get(klass) ?? 0) + 1);
    return { request, response, problems: [...responseProblems(request.raw.method, response), ...refused] };
  }

  /** Sends requests at once; throws one error naming every bad answer with its reproduction. */
  async batch(specs: readonly RequestSpec[]): Promise<void> {
    const exchanges = await Promise.all(specs.map((spec) => this.exchange(spec)));
    const bad = exchanges.filter((e) => e.problems.length > 0);
    const health = await fetch(`${this.sys.url}/health`).then((r) => r.status, (err: unknown) => `unreachable: ${String(err)}`);
    const lines = bad.map((e) => `${e.problems.join('; ')}\n    to: ${describeRequest(e.request)}`);
    if (health !== 200) lines.push(`GET /health answered ${health} after the batch`);
    if (lines.length > 0) throw new Error(`${lines.length} of ${exchanges.length} answers broke the contract:\n  ${lines.join('\n  ')}`);
  }

  /** A valid command by a plain user that must succeed (the run's setup). */
  async must(spec: RequestSpec): Promise<Record<string, unknown>> {
    const e = await this.exchange(spec);
    const body = acceptedBody(e.response);
    if (body === undefined) throw new Error(`setup: ${describeRequest(e.request)} answered ${e.response.status} ${e.response.body.toString('utf8').slice(0, 300)}`);
    return body;
  }

  summary(): string {
    return [...this.statusCounts].sort().map(([k, n]) => `${k} ${n}`).join(', ');
  }
}
