// Bundles the CLI into dist/ with esbuild (run by `npm install` / `npm ci` through "prepare", and by CI), so
// `liqbot` starts without compiling TypeScript. esbuild is a development dependency: a production install
// (`npm ci --omit=dev`) keeps the dist/ it was given (the Dockerfile's build stage makes it) and builds nothing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const BUNDLED = ['zod', 'yaml'];

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  if (existsSync('dist/cli.js')) {
    console.error('build: esbuild is not installed (a production install); keeping the existing dist/');
    process.exit(0);
  }
  console.error('build: esbuild is not installed and there is no dist/: run `npm ci` (with development dependencies), then `npm run build`');
  process.exit(1);
}

await esbuild.build({
  // The event writer's thread (src/store/event-writer.ts) starts dist/event-writer-worker.js, so it is an entry of its own.
  // config-load: the build validates config/default.yaml with it once, below.
  entryPoints: { cli: 'src/cli.ts', 'event-writer-worker': 'src/store/event-writer-worker.ts', 'config-load': 'config/load.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages stay in node_modules, except the two every command loads to read its config (zod, yaml: ~180
  // small files that Node would resolve and load one by one on each start, ~80 ms of CPU); they are bundled.
  external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.includes(name)),
  // yaml is CommonJS: its bundled require() calls (of Node built-ins) need a require in an ES module.
  banner: { js: "import { createRequire as __liqbotRequire } from 'node:module'; const require = __liqbotRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});

// The defaults validated once, for the offline commands to start without yaml and zod (config/defaults.ts).
const { validatedDefaultsText } = await import(new URL('../dist/config-load.js', import.meta.url).href);
writeFileSync(new URL('../dist/default-config.json', import.meta.url), validatedDefaultsText());
