// Bundles the CLI into dist/ with esbuild (run by `npm install` through "prepare"), so `liqbot` starts without
// compiling TypeScript on every run. bin/liqbot.js falls back to the sources when dist/ is missing or older.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
