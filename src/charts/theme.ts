/**
 * The chart look: a dark theme that sits well in Discord and Telegram dark mode, colour-blind-safe hues
 * (orange-red vs sky-blue, after Okabe–Ito) and font sizes that stay legible when a phone shrinks the image.
 */

export const FONT_FAMILY = 'Inter';

export const COLORS = {
  background: '#11141b',
  panel: '#161a23',
  grid: '#232935',
  axis: '#3a4150',
  text: '#eef1f6',
  label: '#a9b1bf',
  muted: '#7d8696',
  /** Liquidated longs, falling candles, long cascades. */
  long: '#ff7a45',
  /** Liquidated shorts, rising candles, short cascades. */
  short: '#4db3f0',
  longBand: 'rgba(255,122,69,0.11)',
  shortBand: 'rgba(77,179,240,0.11)',
  /** Level roles: amber above price, teal below, lavender when price is inside a zone. */
  resistance: '#f2b33d',
  support: '#3fd2c0',
  inside: '#b79cff',
  price: '#eef1f6',
  oi: '#b79cff',
  warn: '#ffcf5c',
} as const;

export type Role = 'support' | 'resistance' | 'inside';

export function roleColor(role: Role): string {
  return role === 'support' ? COLORS.support : role === 'resistance' ? COLORS.resistance : COLORS.inside;
}

/** A colour with an alpha, for zone bands and the liquidation map. */
export function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

/** Font sizes in px at the default 1200×675; `fonts(k)` scales them for other sizes. */
const BASE_SIZES = {
  title: 28,
  headline: 26,
  subtitle: 19,
  axis: 18,
  tag: 18,
  tagNote: 16,
  // Read on a phone, a 1200 px chart is shown about a third of its size: 20 px is the least that stays legible.
  footer: 20,
  empty: 24,
} as const;

export type FontSizes = { -readonly [K in keyof typeof BASE_SIZES]: number };

export function fonts(k: number): FontSizes {
  const out = {} as FontSizes;
  for (const key of Object.keys(BASE_SIZES) as (keyof FontSizes)[]) out[key] = Math.round(BASE_SIZES[key] * k);
  return out;
}
