/**
 * The deployment files say what CI does: the Dockerfile and the systemd unit start the bot with the command
 * `npm start` runs, install with `npm ci` (the production tree with `npm ci --omit=dev`), the image holds every
 * folder the code reads files from (the charts' fonts among them), the compose file keeps
 * data on a volume with a restart policy and a /livez probe (what it answers: health-endpoints.test.ts), as the scaled-out one does for
 * every role, and every dependency's install script is
 * decided in allowScripts so `npm ci` prints no warning.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env.js';

const read = (path: string) => readFileSync(path, 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
  license: string;
  engines: { node: string };
};

describe('deployment files', () => {
  it('the Dockerfile and the unit run what `npm start` runs, after the `npm ci` CI runs', () => {
    // The young generation capped at 8 MB (V8's default grows it to 32 MB of RSS the bot keeps), V8 favouring memory
    // over speed (--optimize-for-size: ~15 MB less peak RSS after a day at 100 events/s), and large
    // allocations (the engine's typed arrays) always mapped, so that freed ones go back to the system: docs/bench.md.
    const malloc = 'MALLOC_MMAP_THRESHOLD_=131072';
    const start = 'node --max-semi-space-size=4 --optimize-for-size bin/liqbot.js start';
    // exec: npm's shell gives its place to liqbot, so a signal npm forwards reaches it (test/cli/npm-start.test.ts).
    expect(pkg.scripts.start).toBe(`${malloc} exec ${start}`);
    const dockerfile = read('Dockerfile');
    expect(dockerfile.split('\n')).toContain(`    ${malloc} \\`); // in the ENV of the image that runs
    expect(dockerfile).toContain(`CMD [${start.split(' ').map((w) => `"${w}"`).join(', ')}]`);
    expect(dockerfile).toMatch(/^RUN npm ci --no-audit --no-fund$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev --no-audit --no-fund/m);
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim AS build$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD .*'http:\/\/127\.0\.0\.1:9464\/livez'/m);
    const unit = read('deploy/liqbot.service');
    expect(unit.split('\n')).toContain(`ExecStart=/usr/bin/env ${start}`);
    expect(unit.split('\n')).toContain(`Environment=${malloc}`);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(read('.ci/run')).toMatch(/^npm ci --no-audit --no-fund/m);
    expect(read('.ci/run')).toContain('systemd-analyze verify deploy/liqbot.service');
  });

  it("the image's runtime stage copies every folder the code reads files from beside itself (fonts, fixtures, config)", () => {
    const runtime = read('Dockerfile').split(/^FROM /m).at(-1)!;
    const copied = new Set([...runtime.matchAll(/^COPY --from=build \/app\/([\w.-]+) /gm)].map((m) => m[1]));
    // Paths the code resolves against its own file ('../../assets/fonts/', '../fixtures/…'): from the bundle in dist/,
    // the first folder named is a folder of the install. Imports are the bundle's, so they are left out.
    const folders = new Set<string>();
    const visit = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) visit(path);
        else if (path.endsWith('.ts')) {
          for (const line of read(path).split('\n')) {
            if (/\bfrom '|\bimport\(|^\s*import '/.test(line)) continue;
            for (const m of line.matchAll(/'(?:\.\.\/)+([\w.-]+)\//g)) folders.add(m[1]!);
          }
        }
      }
    };
    for (const dir of ['src', 'config', 'commands']) visit(dir);
    expect([...folders].sort()).toEqual(['assets', 'config', 'dist', 'fixtures']);
    for (const folder of folders) expect(copied, `COPY --from=build /app/${folder} ./${folder}`).toContain(folder);
  });

  it('the compose file keeps data on a volume, restarts, and probes /livez on an address it can reach', () => {
    const compose = parseYaml(read('compose.yaml')) as { services: { liqbot: Record<string, any> }; volumes: Record<string, unknown> };
    const s = compose.services.liqbot;
    expect(s.volumes).toEqual(['liqbot-data:/data']);
    expect(Object.keys(compose.volumes)).toEqual(['liqbot-data']);
    expect(s.restart).toBe('unless-stopped');
    expect(s.environment).toMatchObject({ LIQBOT_DATA_DIR: '/data', LIQBOT_HTTP_HOST: '0.0.0.0', LIQBOT_HTTP_PORT: '9464' });
    expect(s.healthcheck.test.join(' ')).toContain('http://127.0.0.1:9464/livez');
    expect(s.env_file).toBe('.env');
  });

  it("the scaled-out compose file probes every role's /livez as compose.yaml probes the bot's; the one-shot migration is not probed", () => {
    const probe = (parseYaml(read('compose.yaml')) as { services: { liqbot: { healthcheck: unknown } } }).services.liqbot.healthcheck;
    const scale = parseYaml(read('deploy/compose.scale.yaml'), { merge: true }) as { services: Record<string, { image?: string; command?: string[]; healthcheck?: unknown }> };
    const liqbot = Object.entries(scale.services).filter(([, s]) => s.image === 'liqbot:latest');
    const roles = liqbot.filter(([, s]) => s.command?.includes('--role')).map(([name]) => name);
    expect(roles).toHaveLength(9);
    for (const [name, s] of liqbot) expect(s.healthcheck, name).toEqual(roles.includes(name) ? probe : { disable: true });
  });

  it('tsx is for development only; the licence file is the MIT licence package.json names; .nvmrc matches engines', () => {
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies.tsx).toBeDefined();
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n/);
    expect(read('.nvmrc').trim()).toBe('20');
    expect(pkg.engines.node).toBe('>=20');
  });

  it('every installed package with an install script is decided in allowScripts', () => {
    const withScripts: string[] = [];
    const visit = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name.startsWith('.')) continue;
        if (name.startsWith('@')) {
          visit(join(dir, name));
          continue;
        }
        const manifest = join(dir, name, 'package.json');
        if (!existsSync(manifest)) continue;
        const p = JSON.parse(read(manifest)) as { name: string; scripts?: Record<string, string> };
        if (['preinstall', 'install', 'postinstall'].some((k) => p.scripts?.[k])) withScripts.push(p.name);
      }
    };
    visit('node_modules');
    expect(withScripts.sort()).toEqual(['better-sqlite3', 'bufferutil', 'ccxt', 'esbuild']);
    for (const name of withScripts) expect(typeof pkg.allowScripts[name], name).toBe('boolean');
    expect(pkg.allowScripts).toEqual({ 'better-sqlite3': true, esbuild: true, ccxt: false, bufferutil: false });
  });

  it('.env.example, copied as it is, is a valid environment for the terminal prompt', () => {
    const values = parseDotenv(read('.env.example'));
    expect(Object.keys(values)).toContain('LIQBOT_HTTP_HOST');
    expect(Object.keys(values)).toContain('LIQBOT_GIVE_UP_S');
    const env = parseEnv(values);
    expect(env).toMatchObject({ dbPath: './data/liqbot.db', dataDir: './data', httpHost: '127.0.0.1', giveUpMs: 300_000 });
    expect(env.telegram).toBeUndefined();
    expect(env.discord).toBeUndefined();
    expect(values.LOG_LEVEL).toBeUndefined();
  });

  it('LIQBOT_HTTP_HOST and LIQBOT_GIVE_UP_S are checked at start-up, naming the setting', () => {
    expect(parseEnv({ LIQBOT_HTTP_HOST: '0.0.0.0', LIQBOT_GIVE_UP_S: '30' })).toMatchObject({ httpHost: '0.0.0.0', giveUpMs: 30_000 });
    expect(() => parseEnv({ LIQBOT_HTTP_HOST: 'http://x y' })).toThrow('.env: LIQBOT_HTTP_HOST: expected a host name or IP address (e.g. 0.0.0.0)');
    expect(() => parseEnv({ LIQBOT_GIVE_UP_S: '0' })).toThrow('.env: LIQBOT_GIVE_UP_S: expected a number of seconds ≥ 1');
  });

  it('LOG_LEVEL is checked at start-up, naming the levels', () => {
    expect(parseEnv({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(parseEnv({}).logLevel).toBeUndefined();
    expect(() => parseEnv({ LOG_LEVEL: 'loud' })).toThrow('.env: LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent');
  });
});
