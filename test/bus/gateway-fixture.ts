/**
 * Shared set-up for the gateway suites: the bundled day published to a stream of the test's own, gateways that
 * follow it, and a command runner that returns what the terminal would print.
 */
import { runCommandLine } from '../../commands/index.js';
import type { ChatInfo } from '../../commands/types.js';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { renderTerminal } from '../../src/adapters/terminal/render.js';
import { Gateway } from '../../src/bus/gateway.js';
import { BusPublisher } from '../../src/bus/publisher.js';
import { replayToBus } from '../../src/bus/replay.js';
import type { Bus } from '../../src/bus/stream.js';
import { BUNDLED_DAY } from '../../src/cli.js';
import type { Services } from '../../src/service.js';

/** The config with command budgets no test reaches (the clock stands still, so budgets would never refill). */
export function roomyConfig(): Config {
  const config = loadConfig(undefined);
  return { ...config, limits: { ...config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } };
}

/**
 * The bundled day published once, as one ingest replica would (with `holdMs`, as a live one states its hold);
 * resolves with the stream's last sequence.
 */
export async function publishDay(bus: Bus, o: { holdMs?: number } = {}): Promise<{ lastSeq: number; events: number }> {
  const publisher = new BusPublisher(bus, { maxEvents: 2_000, ...o });
  const read = await replayToBus(BUNDLED_DAY, publisher, { speed: Infinity });
  return { lastSeq: (await bus.jsm.streams.info(bus.stream)).state.last_seq, events: read.events };
}

export const GROUP: ChatInfo = { key: 'telegram:-100', platform: 'telegram', kind: 'group' };

/** Run a command line as a chat would, answered as the terminal prints it. */
export async function ask(services: Services, line: string, o: { chat?: ChatInfo; admin?: boolean; now?: number } = {}): Promise<string> {
  const reply = await runCommandLine(line, { chat: o.chat ?? GROUP, user: { id: 'u1' }, isAdmin: o.admin ?? false, now: o.now ?? services.now(), services });
  return renderTerminal(reply, false);
}

/** Gateways following `bus` until `stop()`. */
export function startGateways(bus: Bus, config: Config, ids: string[], now: () => number): { gateways: Gateway[]; stop(): Promise<void> } {
  const abort = new AbortController();
  const gateways = ids.map((id) => new Gateway({ bus, config, id, now }));
  const following = gateways.map((g) => g.follow(abort.signal));
  return {
    gateways,
    async stop() {
      abort.abort();
      await Promise.all(following);
      await Promise.all(gateways.map((g) => g.publisher.stop()));
    },
  };
}
