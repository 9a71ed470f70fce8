/**
 * A second liqbot for the single-instance tests: opens the store at argv[2], prints "ready <pid>", then holds
 * it until killed (`hold`), exits without calling close() (`exit`), or only tries and prints the outcome
 * (`try`: "opened" or "locked: <message>").
 */
import { StoreError } from '../../src/store/errors.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

const [path, mode] = process.argv.slice(2);
if (mode === 'try') {
  try {
    openSqliteStore(path!).close();
    process.stdout.write('opened\n');
  } catch (err) {
    process.stdout.write(err instanceof StoreError ? `${err.code}: ${err.message}\n` : `crashed: ${String(err)}\n`);
  }
  process.exit(0);
}
// Not kept: the lock must outlive the store object (sqlite.ts holds it until close()). Collected at once when the
// test runs this with --expose-gc, as a busy process's collector would some time later.
openSqliteStore(path!);
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(`ready ${process.pid}\n`);
if (mode === 'hold') setInterval(() => undefined, 60_000);
else process.exit(0);
