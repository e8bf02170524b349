// The accounts' tables (sql/001-accounts.sql), run with the write side's migrations.
import type { Migration } from '../../infra/index.js';
import { migrationFromFile } from '../../infra/index.js';

export const accountMigrations: readonly Migration[] = [migrationFromFile(import.meta.url, 'accounts/001-accounts')];
