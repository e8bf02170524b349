// The live bidding page's browser modules are plain JavaScript served as they are (no build), so
// tests load them from the source tree at run time and describe the parts they use as interfaces.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pagePublicDir } from '../../realtime/index.js';

export const importPageModule = async <T>(file: string): Promise<T> =>
  (await import(pathToFileURL(join(pagePublicDir, file)).href)) as T;

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

export interface MoneyModule {
  MAX_AMOUNT: bigint;
  parseAmount(text: string, exponent: number, currency?: string): ParsedAmount;
  toDecimalString(minor: number, exponent: number): string;
  formatMoney(minor: number, currency: string, exponent: number, locale?: string): string;
}

export interface ClockModule {
  ServerClock: new () => { observe(serverTime: string, receivedAtMs?: number): void; observeHttpDate(header: string | null, receivedAtMs?: number): void; readonly offsetMs: number; now(): number };
  formatRemaining(ms: number): string;
  formatDateTime(time: string | number, options?: { locale?: string; timeZone?: string }): string;
}

export interface LiveModule {
  classifyFrame(known: number | undefined, version: number): 'apply' | 'duplicate' | 'gap' | 'early';
  backoffDelay(attempt: number, random: number, options?: { baseMs?: number; capMs?: number }): number;
}

export interface BidMessage { tone: 'success' | 'info' | 'error'; text: string; minimumAmount?: number; retrySameKey: boolean }
export interface MessagesModule {
  acceptedMessage(accepted: { leading: boolean; currentPrice: number }, maxAmount: number, money: (minor: number) => string): BidMessage;
  refusedMessage(status: number, error: { code: string; message: string; details?: unknown }, money: (minor: number) => string, extra?: { retryAfterSeconds?: number }): BidMessage;
}

export interface PageSession {
  token: string; sub: string; roles: string[]; expiresAtMs: number | undefined; source: 'account' | 'development' | 'token';
  refreshToken?: string; refreshExpiresAtMs?: number;
}
export interface SessionModule {
  readToken(token: string, source?: PageSession['source']): PageSession | undefined;
  sessionFromTokens(tokens: unknown): PageSession | undefined;
  isExpired(session: { expiresAtMs: number | undefined } | undefined, nowMs: number): boolean;
  refreshDelay(session: PageSession | undefined, nowMs: number): number | undefined;
  REFRESH_AHEAD_MS: number;
}

export interface Notice { id: string; kind: string; auctionId: string; title?: string; currency?: string; currentPrice?: number; endsAt?: string; at?: string }
export interface NotificationsModule {
  Inbox: new () => { items: Notice[]; unread: number; add(n: Notice): boolean; markAllRead(): void; clear(): void; listen(l: () => void): () => void };
  noticeText(n: Notice, money: (minor: number, currency: string) => string): string;
  INBOX_LIMIT: number;
}

export interface AuctionTextModule {
  outcomeText(a: Record<string, unknown>, money: (minor: number) => string): string;
  reserveText(a: Record<string, unknown>, known: { hasReserve: boolean | undefined }): string;
  minimumBidText(a: { minimumBid?: number | null; youLead: boolean; yourMax?: number }, money: (minor: number) => string): string;
  bidOutcome(bid: { bidder: string; leader: string; tookLead: boolean }): string;
}

export interface IdsModule {
  newIdempotencyKey(): string;
}

export interface SaleViewModule {
  lotsToFollow(lots: { lotNumber: number; status: string }[], limit: number): Set<number>;
  saleHref(id: string): string;
}
