// Structured JSON logs with pino (one line per record on stdout; no pretty printer).
import { pino } from 'pino';
import type { DestinationStream, Logger, LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

const levels: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const isLogLevel = (u: unknown): u is LevelWithSilent => typeof u === 'string' && (levels as readonly string[]).includes(u);

export interface LoggerOptions {
  /** Added to every record as `name` (e.g. the role: 'command-api'). */
  readonly name?: string;
  /** Where records go; stdout when absent. Tests pass a stream to read the records back. */
  readonly destination?: DestinationStream;
}

/**
 * A JSON logger at `level` (fatal, error, warn, info, debug, trace or silent; config.ts's
 * LOG_LEVEL). Timestamps are ISO 8601 UTC; credentials that may reach a log record
 * (Authorization headers, secrets, passwords) are censored.
 */
export const createLogger = (level: string = 'info', options: LoggerOptions = {}): Logger => {
  if (!isLogLevel(level)) throw new Error(`unknown log level ${JSON.stringify(level)}; expected one of ${levels.join(', ')}`);
  const settings = {
    level,
    ...(options.name !== undefined ? { name: options.name } : {}),
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'authorization',
        'password',
        'secret',
        'token',
        '*.password',
        '*.secret',
        '*.token',
        // The accounts' tokens and hashes (commands/accounts/).
        'refreshToken',
        'accessToken',
        'password_hash',
        '*.refreshToken',
        '*.accessToken',
        '*.password_hash',
      ],
      censor: '[redacted]',
    },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
};
