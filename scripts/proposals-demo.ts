/**
 * The group's levels on the bundled days, as a trader sees them: a rehearsal (LiqBot on event time) where members
 * propose ETH levels, vote, and an admin adopts or rejects them, then the answers to `/levels eth`, `/level info`
 * and `/level digest` at the end of the data, and the digest's chart. Writes docs/digest/ (text and PNG) and prints
 * the answers for docs/proposals.md.
 *
 *   npx tsx scripts/proposals-demo.ts            print the answers and write docs/digest/
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { runCommandLine } from '../commands/index.js';
import type { CommandContext } from '../commands/types.js';
import { loadConfig } from '../config/load.js';
import { chatDigest } from '../src/alerts/digest.js';
import { LiqBot } from '../src/bot.js';
import { renderDigestChart } from '../src/charts/digest.js';
import { HOUR } from '../src/core/time.js';
import type { MarketEvent } from '../src/core/events.js';
import { newReport, readEventFile } from '../src/io/event-file.js';
import { digestReply } from '../src/replies/digest.js';
import { replyText, type Reply } from '../src/replies/reply.js';
import { createMemoryStore } from '../src/store/memory.js';

const FIXTURE = 'fixtures/eth-2026-01-31.synthetic.jsonl';
const CHAT = 'telegram:-1001234567890';
const OUT = 'docs/digest';

/** A reply as a phone shows it in Telegram: the text, then the buttons under it. */
export function phone(r: Reply): string {
  const buttons = r.buttons?.length ? `\n${r.buttons.map((b) => `[ ${b.label} ]`).join(' ')}` : '';
  return `${replyText(r)}${buttons}${r.image ? `\n(chart attached: ${r.image.filename})` : ''}`;
}

async function main(): Promise<void> {
  const events: MarketEvent[] = [];
  for await (const e of readEventFile(FIXTURE, newReport())) events.push(e);
  const config = loadConfig();
  const roomy = { ...config, limits: { ...config.limits, commandsPerUserPerMinute: 10_000, commandsPerChatPerMinute: 10_000 } };
  let clock = 0;
  const bot = new LiqBot({ config: roomy, store: createMemoryStore(), now: () => clock });
  let next = 0;
  const replay = (until: number) => {
    for (; next < events.length && events[next]!.ts <= until; next++) {
      const e = events[next]!;
      clock = Math.max(clock, e.ts);
      if (e.type !== 'level') bot.ingest(e);
    }
    bot.flush();
  };
  let card = 0;
  const say = (user: string, line: string, admin = false, button = false): Promise<Reply> => {
    const ctx: CommandContext = { chat: { key: CHAT, platform: 'telegram', kind: 'group' }, user: { id: user, name: user }, isAdmin: admin, now: clock, services: bot };
    ctx.message = { ref: `-1001234567890:${button ? 100 + card : 500 + next}`, ...(button ? { button } : {}) };
    return runCommandLine(line, ctx);
  };

  replay(Date.parse('2026-01-29T09:00:00Z'));
  card = 1;
  await say('@ann', '/level propose eth 2750-2800 "prior support: where it turns"');
  await say('@bob', '/level vote p1 up', false, true);
  await say('@cat', '/level vote p1 up', false, true);
  await say('@boss', '/level adopt p1', true, true);
  replay(Date.parse('2026-01-29T15:00:00Z'));
  card = 2;
  await say('@dan', '/level propose eth 2350 "the line from January"');
  await say('@bob', '/level vote p2 up', false, true);
  await say('@ann', '/level vote p2 up', false, true);
  await say('@boss', '/level adopt p2', true, true);
  replay(Date.parse('2026-01-30T10:00:00Z'));
  card = 3;
  await say('@eve', '/level propose eth 3000 "does $3,000 still matter?"');
  await say('@bob', '/level vote p3 down', false, true);
  await say('@boss', '/level reject p3', true, true);
  card = 4;
  await say('@cat', '/level propose eth 2500 "Dec range low"');
  await say('@ann', '/level vote p4 up', false, true);
  replay(Infinity);

  const out: Record<string, string> = {};
  out['/levels eth'] = phone(await say('@bob', '/levels eth'));
  out['/level why eth'] = phone(await say('@bob', '/level why eth'));
  out['/level info eth 2750-2800'] = phone(await say('@bob', '/level info eth 2750-2800'));
  out['/level info eth 2350'] = phone(await say('@bob', '/level info eth 2350'));
  out['/level list'] = phone(await say('@bob', '/level list'));

  // The digest of the week ending with the data (the week's turn after it: Feb 2 00:00 UTC would post the same).
  const to = Date.parse('2026-02-01T00:00:00Z');
  const digest = chatDigest(bot.market, bot.store, CHAT, to, config.levels.testingPct);
  const text = replyText(digestReply(digest, { synthetic: bot.market.synthetic }));
  out['/level digest'] = text;
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}/eth-week.txt`, `${text}\n`);
  const chart = await renderDigestChart({ asset: 'ETH', digest, prices: bot.market.prices.bars('ETH', to - 7 * 24 * HOUR, to, HOUR), synthetic: bot.market.synthetic });
  writeFileSync(`${OUT}/eth-week.png`, chart.png);
  for (const [k, v] of Object.entries(out)) process.stdout.write(`### ${k}\n\`\`\`\n${v}\n\`\`\`\n\n`);
}

await main();
