// The PostgreSQL read models' schema: its migrations, each in its own file under sql/ (001-tables.sql
// says what the tables are for), and the same tables' DDL under other names for a rebuild.
import type { Migration } from '../../infra/index.js';
import { migrationFromFile } from '../../infra/index.js';

/** Every read-model table, in the order a rebuild creates them. */
export const readModelTables = ['auction_view', 'bid_history', 'bidder_activity', 'parked_streams'] as const;
export type ReadModelTable = (typeof readModelTables)[number];

const firstTables = migrationFromFile(import.meta.url, 'read-models/001-tables');
const parkedStreams = migrationFromFile(import.meta.url, 'read-models/003-parked-streams');
const retractions = migrationFromFile(import.meta.url, 'read-models/004-retractions');
const myAuctions = migrationFromFile(import.meta.url, 'read-models/005-my-auctions');
const formats = migrationFromFile(import.meta.url, 'read-models/006-formats');
const sealedBids = migrationFromFile(import.meta.url, 'read-models/007-sealed-bids');
const sales = migrationFromFile(import.meta.url, 'read-models/008-sales');

export const readModelMigrations: readonly Migration[] = [
  firstTables,
  migrationFromFile(import.meta.url, 'read-models/002-checkpoints'),
  parkedStreams,
  retractions,
  myAuctions,
  formats,
  sealedBids,
  sales,
];

/**
 * The migrations that create or change the tables a rebuild makes afresh, in order (a later one
 * that changes them joins this list; projection_checkpoints is not rebuilt).
 */
const rebuiltTablesMigrations: readonly Migration[] = [firstTables, parkedStreams, retractions, myAuctions, formats, sealedBids, sales];

/** A read-model table's name, and every index and constraint named after it (they start with it). */
const tableName = new RegExp(`\\b(?:${readModelTables.join('|')})`, 'g');

/**
 * The DDL of every read-model table, as its migrations have it, with each table's name (and the
 * names starting with it) followed by `suffix`: a rebuild's fresh tables, which the swap then
 * renames into place, indexes and constraints included (rebuild/swap-tables.ts).
 */
export const readModelDdl = (suffix = ''): string => rebuiltTablesMigrations.map((m) => m.sql.replace(tableName, (name) => `${name}${suffix}`)).join('\n');
