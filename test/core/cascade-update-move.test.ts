/**
 * A running cascade's edit says its move so far from where the cascade began, as its end does: "Price $1.890 (−0.4%)"
 * under "(since 10:59, 5 min)", not "(+0.1%)" from the price when it was called minutes in (the bundled day's XRP had
 * already fallen from $1.897 to $1.888 by then).
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { Alert } from '../../src/core/alerts.js';
import { loadFile, runFile } from '../../src/offline.js';
import { replyText } from '../../src/replies/reply.js';
import { alertReply } from '../../src/replies/alerts.js';
import { BUNDLED } from '../helpers.js';

describe("a running cascade's price move", () => {
  it('reads from the price its end reads from, and its low is at least as low as the one the end says', async () => {
    const { alerts } = await runFile(await loadFile(BUNDLED), loadConfig());
    const updates = alerts.filter((a): a is Extract<Alert, { kind: 'cascade_update' }> => a.kind === 'cascade_update');
    const ends = new Map(alerts.flatMap((a) => (a.kind === 'cascade_end' ? [[a.cascadeId, a] as const] : [])));
    expect(updates.length).toBeGreaterThan(10);
    for (const u of updates) {
      const end = ends.get(u.cascadeId);
      expect(end, u.cascadeId).toBeDefined();
      expect(u.priceStart, u.key).toBe(end!.priceStart);
      if (u.extreme !== undefined && end!.extreme !== undefined) expect(u.side === 'long' ? u.extreme >= end!.extreme : u.extreme <= end!.extreme, u.key).toBe(true);
    }
    const xrp = updates.find((u) => u.asset === 'XRP')!;
    expect(replyText(alertReply(xrp))).toContain('Price $1.890 (−0.4%) · low $1.886');
  });
});
