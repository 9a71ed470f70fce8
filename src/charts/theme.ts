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
  /**
   * Level roles: gold above price, mint below, rose when price is inside a zone. Chosen apart from the candle and bar
   * colours for colour-blind readers too (ΔE ≥ 20 under deuteranopia and protanopia: the old amber read as the longs'
   * orange, the old lavender zone as the shorts' blue); a lighter gold than the orange, a green, not a blue.
   */
  resistance: '#ffd633',
  support: '#3df599',
  inside: '#e699b5',
  price: '#eef1f6',
  /** Open interest: a neutral, its own panel's line, no side's and no level's colour. */
  oi: '#dde1e8',
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
