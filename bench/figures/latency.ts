/**
 * Figure 5, alert latency: from the event that triggers a cascade alert entering the pipeline
 * (`LiqBot.ingest`, SQLite store, real Outbox, Telegram adapter at Telegram's real limits) to the
 * sendMessage request for it arriving at the local fake Bot API, while a steady flow of thousands of events
 * per second keeps coming. Each trigger starts a cascade on its own asset; each asset's alerts go to one of
 * ten chats in turn, so no chat's rate-limit queue stands ahead of an alert. Baseline in the same flow: a
 * message sent straight through telegraf (no engine, no outbox, no pacer), timed the same way.
 */
import { Telegram as TelegrafClient } from 'telegraf';
import type { Platform } from '../../commands/types.js';
import { buildConfig } from '../../config/load.js';
import type { ChatAdapter } from '../../src/adapters/contract.js';
import { LiqBot } from '../../src/bot.js';
import type { Liquidation, PositionSide } from '../../src/core/events.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { mulberry32 } from '../../scripts/market-day.js';
import { EXCHANGES } from '../data.js';
import { loadTelegram, startTelegram, type Telegram } from '../telegram.js';
import { figure, fmtInt, quantile, skipped, TempDir, type BenchOptions, type Figure } from '../util.js';

const ASSETS = Array.from({ length: 40 }, (_, i) => `LAT${String(i).padStart(2, '0')}`);
const CHATS = 10;
const chatOf = (assetIndex: number) => 7_000_000 + (assetIndex % CHATS);

export async function latencyFigures(opts: BenchOptions): Promise<Figure[]> {
  const common = { unit: 'ms', better: 'lower' as const, baselineLabel: 'telegraf sendMessage alone' };
  const kit = await loadTelegram();
  if ('missing' in kit) {
    const reason = `adapter not available (${kit.missing})`;
    return [
      skipped({ figure: 'latency.p50', label: 'Alert latency, event → API request, p50', ...common, reason }),
      skipped({ figure: 'latency.p99', label: 'Alert latency, event → API request, p99', ...common, aimText: '< 250 ms', reason }),
    ];
  }
  const rate = opts.quick ? 2_000 : 5_000;
  const triggers = opts.quick ? 20 : 80;
  const gapMs = 150;
  const tmp = new TempDir();
  let tg: Telegram | undefined;
  let bot: LiqBot | undefined;
  try {
    const config = buildConfig({ assets: ASSETS }, 'bench');
    const store = openSqliteStore(tmp.file('latency.db'));
    const adapters: Partial<Record<Platform, ChatAdapter>> = {};
    bot = new LiqBot({ config, store, adapters });
    tg = await startTelegram(kit, bot, 1);
    adapters.telegram = tg.adapter;
    for (let c = 0; c < CHATS; c++) {
      store.putSubscription({
        chat: `telegram:${chatOf(c)}`, enabled: true, assets: ASSETS.filter((_, i) => i % CHATS === c), families: ['cascade'], minUsd: 0, updatedAt: 0,
      });
    }
    bot.outbox.start();
    const client = new TelegrafClient(tg.fake.token, { apiRoot: tg.fake.apiRoot });
    opts.progress(`latency: ${triggers} cascade triggers, one every ${gapMs} ms, in a flow of ${fmtInt(rate)} events/s (SQLite store, Telegram's real limits)…`);

    const rand = mulberry32(5);
    const started = { trigger: new Map<string, number>(), baseline: new Map<string, number>() };
    const baselineSends: Promise<unknown>[] = [];
    const liq = (asset: string, side: PositionSide, usd: number): Liquidation => ({
      // Distinct prints (an identical print in the same millisecond is taken for a duplicate frame and counted once).
      type: 'liquidation', ts: Date.now(), exchange: EXCHANGES[Math.floor(rand() * EXCHANGES.length)]!, symbol: `${asset}/USDT:USDT`, side, price: 100 + rand(), amount: usd / 100, usd,
    });
    const b = bot;
    /** A flush on one asset: large liquidations until the engine calls a cascade (the alert's trigger). */
    const trigger = (k: number) => {
      const index = k % ASSETS.length;
      const asset = ASSETS[index]!;
      const side: PositionSide = k < ASSETS.length ? 'long' : 'short';
      for (let j = 0; j < 12; j++) {
        const t = performance.now();
        const alerts = b.ingest(liq(asset, side, 150_000));
        if (alerts.some((a) => a.kind === 'cascade' && a.asset === asset)) {
          started.trigger.set(`${chatOf(index)}|${asset} ${side}`, t);
          break;
        }
      }
    };
    const baseline = (k: number) => {
      const chat = 7_500_000 + k;
      const text = `baseline ${k}`;
      started.baseline.set(`${chat}|${text}`, performance.now());
      baselineSends.push(client.sendMessage(chat, text));
    };

    // The flow: every few milliseconds, the events due at `rate`, stamped with the wall clock.
    const t0 = performance.now();
    let emitted = 0, fired = 0, based = 0;
    await new Promise<void>((resolve) => {
      const pump = setInterval(() => {
        const now = performance.now() - t0;
        const due = Math.floor((rate * now) / 1000) - emitted;
        for (let i = 0; i < due; i++) {
          b.ingest(liq(ASSETS[Math.floor(rand() * ASSETS.length)]!, rand() < 0.5 ? 'long' : 'short', 5 + rand() * 50));
          emitted++;
        }
        if (fired < triggers && now >= 500 + fired * gapMs) trigger(fired++);
        if (based < triggers && now >= 500 + gapMs / 2 + based * gapMs) baseline(based++);
        if (fired === triggers && based === triggers && now >= 1_000 + triggers * gapMs) {
          clearInterval(pump);
          resolve();
        }
      }, 4);
    });
    const elapsed = (performance.now() - t0) / 1000;
    await Promise.allSettled(baselineSends);
    const expected = started.trigger.size;
    if (expected < triggers) opts.progress(`latency: only ${expected} of ${triggers} triggers raised a cascade`);
    const arrivals = () => tg!.fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 200 && Number(c.params.chat_id) < 7_500_000);
    await tg.fake.waitFor(() => arrivals().length >= expected, 'every triggered alert to arrive', 30_000);
    const lat: number[] = [], base: number[] = [];
    for (const c of tg.fake.calls) {
      if (c.method !== 'sendMessage') continue;
      const chat = Number(c.params.chat_id);
      const text = String(c.params.text);
      if (chat >= 7_500_000) {
        const t = started.baseline.get(`${chat}|${text}`);
        if (t !== undefined) base.push(c.at - t);
        continue;
      }
      for (const [key, t] of started.trigger) {
        const [keyChat, what] = key.split('|') as [string, string];
        // Per chat, alerts arrive in order: the first unmatched trigger of this asset is this one.
        const asset = what.split(' ')[0]!;
        if (Number(keyChat) === chat && text.includes(asset)) {
          lat.push(c.at - t);
          started.trigger.delete(key);
          break;
        }
      }
    }
    if (lat.length < expected) throw new Error(`matched ${lat.length} of ${expected} alerts to their requests`);
    const rateSeen = emitted / elapsed;
    opts.progress(
      `latency: p50 ${quantile(lat, 0.5).toFixed(1)} ms, p99 ${quantile(lat, 0.99).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms · ` +
        `telegraf alone p50 ${quantile(base, 0.5).toFixed(1)} ms, p99 ${quantile(base, 0.99).toFixed(1)} ms · flow ${fmtInt(rateSeen)} events/s, ` +
        `429s ${tg.fake.limited}`,
    );
    const note =
      `${lat.length} cascade alerts in a flow of ${fmtInt(rateSeen)} events/s over ${elapsed.toFixed(0)} s (40 assets); ` +
      `LiqBot with SQLite → Outbox → Telegram adapter at Telegram's real limits → fake Bot API, all in one process; ${tg.fake.limited} × 429`;
    return [
      figure({
        figure: 'latency.p50', label: 'Alert latency, event → API request, p50', value: quantile(lat, 0.5), ...common, baseline: quantile(base, 0.5), note,
      }),
      figure({
        figure: 'latency.p99', label: 'Alert latency, event → API request, p99', value: quantile(lat, 0.99), ...common, baseline: quantile(base, 0.99),
        aim: [{ on: 'value', op: '<=', target: 250 }], aimText: '< 250 ms', note,
      }),
    ];
  } finally {
    await bot?.outbox.stop();
    await tg?.stop();
    bot?.store.close();
    tmp.cleanup();
  }
}
