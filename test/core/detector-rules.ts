/** The small detector rules the cascade unit tests share: a one-minute window, quick ends and edits (not the defaults). */
import type { CascadeRules } from '../../src/core/cascades.js';

export const CASCADE_RULES: CascadeRules = {
  windowMs: 60_000,
  endFraction: 0.3,
  quietMs: 120_000,
  updateGrowth: 0.25,
  updateMinMs: 30_000,
  minLiquidations: 3,
  sampledPrintWeight: 2,
  maxSingleShare: 0.5,
  minSideShare: 0.6,
};
