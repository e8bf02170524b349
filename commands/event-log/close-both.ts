// How an opened log and the SQL executor under it are closed, for the log's two openers.
import type { EventLog } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';

/** Closes the log, then its SQL executor (even when closing the log failed). */
export const closeBoth = (log: EventLog, sql: SqlExecutor) => async (): Promise<void> => {
  try {
    await log.close();
  } finally {
    await sql.close();
  }
};
