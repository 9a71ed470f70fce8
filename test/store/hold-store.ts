/**
 * A second liqbot for the single-instance tests: opens the store at argv[2], prints "ready", then holds it
 * until killed (`hold`) or exits without calling close() (`exit`).
 */
import { openSqliteStore } from '../../src/store/sqlite.js';

const [path, mode] = process.argv.slice(2);
openSqliteStore(path!);
process.stdout.write('ready\n');
if (mode === 'hold') setInterval(() => undefined, 60_000);
else process.exit(0);
