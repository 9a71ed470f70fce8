/**
 * Cuts the "unseen" real-market fixtures (issue 15: "we will replay real market days you have not seen") from raw
 * slices in fixtures/sources/ that no rule was tuned on (fixtures/sources/README.md names each one's repository,
 * commit and path). `npx tsx scripts/unseen-fixtures.ts`.
 * One forceOrder slice (no candles, so no levels); the unseen candle sets are cut by scripts/unseen-levels.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Row = Record<string, unknown> & { type: string; ts: number };


const write = (out: string, rows: Row[]) => writeFileSync(join('fixtures', out), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

/**
 * A forceOrder slice as `symbol,side,average_price,order_filled_accumulated_quantity,order_trade_time` (the columns
 * liqbot uses, values as recorded) into liquidation events, with the conversion of the existing forceOrder fixtures:
 * SELL => long, BUY => short, price = ap, amount = z, usd = ap x z to cents; the recorder removed "USDT" from the
 * symbols (ETH => ETH/USDT:USDT), names still ending in USDC => XYZ/USDC:USDC. Dated delivery contracts (ETH_250627)
 * and coin-quoted pairs (ETHBTC) are not USD perpetuals and are left out.
 */
function forceOrders(src: string): { rows: Row[]; dropped: string[] } {
  const lines = readFileSync(src, 'utf8').split('\n').filter(Boolean).slice(1);
  const rows: Row[] = [];
  const dropped: string[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line)) continue;
    seen.add(line);
    const [s, side, ap, z, t] = line.split(',') as [string, string, string, string, string];
    if (s.includes('_') || s === 'ETHBTC') {
      dropped.push(s);
      continue;
    }
    const symbol = s.endsWith('USDC') ? `${s.slice(0, -4)}/USDC:USDC` : `${s}/USDT:USDT`;
    const price = Number(ap);
    const amount = Number(z);
    rows.push({ type: 'liquidation', ts: Number(t), exchange: 'binance', symbol, side: side === 'SELL' ? 'long' : 'short', price, amount, usd: Math.round(price * amount * 100) / 100 });
  }
  rows.sort((a, b) => a.ts - b.ts);
  return { rows, dropped };
}

// 1. 2025-04-30 14:00-14:23 UTC: a market-wide long flush at 14:00:14-14:00:46 (about 200 symbols liquidated inside 30
// seconds), then a short squeeze 14:00:57-14:03 (BTC prints 92,853 -> 93,518) and a trickle both ways to 14:23 (BTC 93,770). Never seen by any rule.
{
  const src = 'fixtures/sources/forceorder-MontyWilliams-AlgoTrading-2025-04-30-1400-1423.csv';
  const { rows, dropped } = forceOrders(src);
  const longUsd = rows.filter((r) => r.side === 'long').reduce((s, r) => s + (r.usd as number), 0);
  const shortUsd = rows.filter((r) => r.side === 'short').reduce((s, r) => s + (r.usd as number), 0);
  const symbols = new Set(rows.map((r) => r.symbol)).size;
  const note = `REAL Binance USD-M forceOrder prints (sampled by Binance: at most one per symbol per second), UNSEEN (no rule was tuned on it): 2025-04-30 14:00:14.097-14:23:29.312 UTC, ${rows.length} prints, ${symbols} symbols, $${(longUsd / 1e6).toFixed(2)} M longs / $${(shortUsd / 1e6).toFixed(2)} M shorts. A market-wide long flush at 14:00:14-14:00:46 (BTC prints 92,905 -> 92,853, ETH 1,737.79 -> 1,731.91), then a short squeeze from 14:00:57 (BTC 93,086 -> 93,518 by 14:03:10, ETH 1,741.81 -> 1,753.72), then a trickle both ways to 14:23:29 (BTC 93,770, ETH 1,759.60). The recording resumed at 14:00:14 after a pause since 2025-04-27 20:14, so what came just before 14:00:14 is not in the file. Conversion: side SELL => long, BUY => short; price = average price ap, amount = filled qty z, usd = price x amount; the recorder removed "USDT" from symbols (ETH => ETH/USDT:USDT), names still ending in USDC => XYZ/USDC:USDC; left out: ${dropped.join(', ')} (dated futures / BTC-quoted). source: MontyWilliams/AlgoTrading@755039c38c2fd8f4b02d2b0b7193ef6bed306022 binance.csv (a !forceOrder@arr recording with header symbol,side,order_type,time_in_force,original_quantity,price,average_price,order_status,order_last_filled_quantity,order_filled_accumulated_quantity,order_trade_time,usd_size; every row from 2025-04-30 14:00:14.097 to the end of the file, 1,082 rows, in fixtures/sources/forceorder-MontyWilliams-AlgoTrading-2025-04-30-1400-1423.csv with the five columns used, values as recorded; the file's 22 rows of 2025-04-27 20:11-20:14 before them are left out)`;
  write('binance-2025-04-30-forceorder.real.jsonl', [{ type: 'meta', ts: rows[0]!.ts, synthetic: false, note }, ...rows]);
  console.log('2025-04-30 forceorder', rows.length, symbols, Math.round(longUsd), Math.round(shortUsd), dropped);
}
