/**
 * The scaled-out compose file (deploy/compose.scale.yaml) starts every role: PostgreSQL, NATS with JetStream, the
 * migration once before any role, two ingest replicas, two cores, a deliverer and its standby per platform under
 * that platform's profile, and a gateway. Every liqbot command in it is a real `liqbot start` invocation: its
 * options parse with the options `liqbot start` takes, its role is one `checkRole` accepts with the service's
 * environment.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkRole } from '../../src/bus/roles.js';
import { START_OPTIONS } from '../../src/main.js';

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parseYaml(readFileSync('deploy/compose.scale.yaml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const liqbot = services.filter(([, s]) => s.image === 'liqbot:latest');

/** What a liqbot service runs: the CLI command and, for `start`, its parsed options (throws on one `start` lacks). */
function invocation(s: Service): { cmd: string; role?: string; platform?: string } {
  const [node, bin, cmd, ...args] = s.command ?? [];
  expect([node, bin]).toEqual(['node', 'bin/liqbot.js']);
  if (cmd !== 'start') return { cmd: cmd! };
  const { values, positionals } = parseArgs({ args, options: START_OPTIONS, strict: true, allowPositionals: true });
  expect(positionals).toEqual([]);
  return { cmd, ...(values.role ? { role: values.role } : {}), ...(values.platform ? { platform: values.platform } : {}) };
}

describe('the scaled-out compose file', () => {
  it('every liqbot command is a real start option set, with the environment its role needs', () => {
    expect(liqbot.length).toBeGreaterThanOrEqual(9);
    for (const [name, s] of liqbot) {
      const { cmd, role, platform } = invocation(s);
      expect(['start', 'migrate'], name).toContain(cmd);
      if (cmd === 'migrate') continue;
      expect(role, `${name} runs a role`).toBeDefined();
      const env = { natsUrl: s.environment?.LIQBOT_NATS_URL, databaseUrl: s.environment?.LIQBOT_DATABASE_URL };
      expect(() => checkRole(role!, env), name).not.toThrow();
      if (role === 'deliver') {
        expect(['telegram', 'discord'], name).toContain(platform);
        expect(s.profiles, `${name} starts only with its platform's profile`).toEqual([platform]);
      }
    }
  });

  it('a checked command refuses what `liqbot start` would refuse', () => {
    expect(() => invocation({ command: ['node', 'bin/liqbot.js', 'start', '--rol', 'core'] })).toThrow();
    expect(() => checkRole('cores', { natsUrl: 'nats://nats:4222', databaseUrl: 'postgres://db/liqbot' })).toThrow('--role must be one of');
  });

  it('starts every role: two ingest replicas, two cores, two deliverers per platform, a gateway, after one migration', () => {
    const roles = liqbot.map(([, s]) => invocation(s)).map((i) => (i.cmd === 'start' ? `${i.role}${i.platform ? `:${i.platform}` : ''}` : i.cmd)).sort();
    expect(roles).toEqual(['core', 'core', 'deliver:discord', 'deliver:discord', 'deliver:telegram', 'deliver:telegram', 'gateway', 'ingest', 'ingest', 'migrate']);
    for (const [name, s] of liqbot) {
      if (invocation(s).cmd === 'migrate') expect(s.depends_on?.postgres?.condition).toBe('service_healthy');
      else expect(s.depends_on?.migrate?.condition, name).toBe('service_completed_successfully');
    }
    const nats = compose.services.nats!;
    expect(nats.command).toContain('-js');
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    // Roles other than the deliverers start without a profile: a Telegram-only operator gets no Discord process.
    expect(liqbot.filter(([, s]) => s.profiles).map(([n]) => n).sort()).toEqual(['liqbot-deliver-discord-a', 'liqbot-deliver-discord-b', 'liqbot-deliver-telegram-a', 'liqbot-deliver-telegram-b']);
  });
});
