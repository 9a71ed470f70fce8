/** The settings the market engine needs: a structural subset of the validated config (config/schema.ts). */
import type { TIMEFRAME_MS } from './events.js';

export interface MarketSettings {
  assets: readonly string[];
  exchanges: readonly string[];
  summary: { largest: number; rankDays: number };
  levels: {
    timeframe: keyof typeof TIMEFRAME_MS;
    breakBufferPct: number;
    atrMultiple: number;
    atrPeriods: number;
    testingPct: number;
    cascadeLevelDays: number;
    chopHours: number;
    chopCrosses: number;
    chopRangeHours: number;
    decisiveFactor: number;
    decisiveHours: number;
    acceptHours: number;
    flipHours: number;
    flipBuffers: number;
    confirmMinutes: number;
  };
  cascades: {
    windowMinutes: number;
    multiplier: number;
    historyDays: number;
    minHistoryDays: number;
    absoluteFloorUsd: number;
    floorsUsd: Readonly<Record<string, number>>;
    endFraction: number;
    quietMinutes: number;
    updateGrowth: number;
    updateMinMinutes: number;
    legMinutes: number;
    minLiquidations: number;
    sampledPrintWeight: number;
    maxSingleShare: number;
    minSideShare: number;
    venueShares: Readonly<Record<string, number>>;
    sampledVisibility: number;
  };
  flush: { windowMinutes: number; minAssets: number; minAssetShare: number; floorUsd: number; maxLeaderShare: number; quietMinutes: number; leaders: number };
}
