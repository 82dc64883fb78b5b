import { AsyncLocalStorage } from 'node:async_hooks';
import { Mutex } from 'async-mutex';
import { DataSource, QueryRunner } from 'typeorm';

/**
 * Serializes transactions on the SQLite DataSource.
 *
 * TypeORM's sqlite driver hands every caller the same QueryRunner over the one
 * connection, so two flows that start a transaction at the same moment (a job
 * writing timeseries while an admin saves settings) both send BEGIN and the
 * second fails with "cannot start a transaction within a transaction"
 * (typeorm/typeorm#8668, #307). Here a top-level transaction waits for the
 * one in progress: `manager.transaction()` runs its callback in an async
 * context that owns the lock, so transactions nested inside it (savepoints)
 * go straight through, while any other flow's BEGIN queues (FIFO) until the
 * owner commits or rolls back.
 */
export function serializeSqliteTransactions(dataSource: DataSource): void {
  const runner: QueryRunner = dataSource.driver.createQueryRunner('master'); // sqlite: the shared runner
  const lock = new Mutex();
  const flow = new AsyncLocalStorage<symbol>();
  let owner: symbol | undefined;
  let release: (() => void) | undefined;

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = ((...args: unknown[]) => flow.run(flow.getStore() ?? Symbol('transaction'), () => transaction(...args))) as typeof manager.transaction;

  const start = runner.startTransaction.bind(runner);
  const commit = runner.commitTransaction.bind(runner);
  const rollback = runner.rollbackTransaction.bind(runner);
  const finish = () => {
    if (runner.isTransactionActive || release === undefined) return;
    const r = release;
    owner = undefined;
    release = undefined;
    r();
  };

  runner.startTransaction = async (isolationLevel) => {
    const me = flow.getStore();
    if (owner !== undefined && me !== undefined && me === owner) return start(isolationLevel); // nested savepoint
    const r = await lock.acquire();
    owner = me ?? Symbol('statement');
    release = r;
    try {
      await start(isolationLevel);
    } catch (err) {
      if (release === r) {
        owner = undefined;
        release = undefined;
        r();
      }
      throw err;
    }
  };
  runner.commitTransaction = async () => {
    try {
      await commit();
    } finally {
      finish();
    }
  };
  runner.rollbackTransaction = async () => {
    const topLevel = (runner as unknown as { transactionDepth: number }).transactionDepth <= 1;
    try {
      await rollback();
    } catch (err) {
      // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL on a full disk,
      // SQLITE_IOERR, SQLITE_NOMEM): the ROLLBACK then fails with "no transaction is active" and
      // TypeORM keeps believing in the transaction, so the lock would never be released and every
      // later transaction would wait forever. The transaction is over either way.
      if (topLevel) Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
      throw err;
    } finally {
      finish();
    }
  };
}
