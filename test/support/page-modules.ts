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

export interface SessionModule {
  readToken(token: string): { token: string; sub: string; roles: string[]; expiresAtMs: number | undefined } | undefined;
  isExpired(session: { expiresAtMs: number | undefined } | undefined, nowMs: number): boolean;
}

export interface IdsModule {
  newIdempotencyKey(): string;
}
