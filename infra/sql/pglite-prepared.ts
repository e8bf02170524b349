// Prepared statements on PGlite (the worker thread's `prepare: true` queries, pglite-worker.ts).
// PGlite's own query() parses and plans its SQL on every call and crosses into WebAssembly six
// times (parse, describe, bind, describe, execute, sync). A hot statement here is parsed once, as a
// named statement of the session, with its parameter types; each run is then one buffer (bind,
// describe, execute, sync) handed to PostgreSQL at once: no parsing, no planning beyond what
// PostgreSQL's plan cache decides, one crossing. Parameters are serialised and rows parsed by
// PGlite's own serializers and parsers, so the rows are those PGlite's query() returns.
//
// PostgreSQL re-analyses a named statement by name when a table it reads changes (a rebuild's
// swap renames tables), as it does for the `pg` driver's prepared statements on PostgreSQL.
import { parse, protocol } from '@electric-sql/pglite';
import type { PGlite, Results } from '@electric-sql/pglite';

interface Statement {
  readonly name: string;
  readonly types: readonly number[];
}

/** Statements kept prepared at most; a further one runs through PGlite's query(). */
const MAX_STATEMENTS = 256;

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

export interface PreparedQueries {
  /**
   * Runs `sql` as a named statement (prepared on first use). `inTransaction`: the caller holds
   * PGlite's transaction (its statements take only the query lock, as PGlite's Transaction does).
   * Undefined when the statement cache is full: run it through query() instead.
   */
  run(sql: string, params: readonly unknown[], inTransaction: boolean): Promise<Results<unknown>> | undefined;
}

export const preparedQueries = (db: PGlite): PreparedQueries => {
  const statements = new Map<string, Statement>();
  let next = 0;

  const prepare = async (sql: string): Promise<Statement> => {
    const name = `gs_pglite_${++next}`;
    const { messages } = await db.execProtocol(concat([
      protocol.serialize.parse({ name, text: sql }),
      protocol.serialize.describe({ type: 'S', name }),
      protocol.serialize.sync(),
    ]), { syncToFs: false });
    const statement = { name, types: parse.parseDescribeStatementResults(messages) };
    statements.set(sql, statement);
    return statement;
  };

  const execute = async (sql: string, params: readonly unknown[]): Promise<Results<unknown>> => {
    const statement = statements.get(sql) ?? (await prepare(sql));
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const type = statement.types[i];
      const serialize = type === undefined ? undefined : db.serializers[type];
      return serialize !== undefined ? serialize(value) : String(value);
    });
    const { messages } = await db.execProtocol(concat([
      protocol.serialize.bind({ statement: statement.name, values }),
      protocol.serialize.describe({ type: 'P' }),
      protocol.serialize.execute({}),
      protocol.serialize.sync(),
    ]), { syncToFs: false });
    const [result] = parse.parseResults(messages, db.parsers);
    if (result === undefined) throw new Error('a prepared statement returned no result');
    return result;
  };

  return {
    run: (sql, params, inTransaction) => {
      if (!statements.has(sql) && statements.size >= MAX_STATEMENTS) return undefined;
      if (inTransaction) return db.runExclusive(() => execute(sql, params));
      // Outside a transaction: wait for any open one to end, as query() does, and sync the files after.
      return db._runExclusiveTransaction(async () => {
        const result = await db.runExclusive(() => execute(sql, params));
        await db.syncToFs();
        return result;
      });
    },
  };
};
