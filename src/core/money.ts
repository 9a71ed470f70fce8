/**
 * The one place numbers become text the way traders write them: $485.2M, $40.1M, $2,350, -21.7%.
 */

const SUFFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** Compact USD: $485.2M, $2.1B, $950K, $420. */
export function usd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const v = Math.abs(value);
  for (const [size, suffix] of SUFFIXES) {
    if (v >= size * 0.9995) {
      const n = v / size;
      const digits = suffix === 'K' && n >= 100 ? 0 : 1;
      return `${sign}$${n.toFixed(digits).replace(/\.0$/, '')}${suffix}`;
    }
  }
  return `${sign}$${Math.round(v)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();
/** Building an Intl.NumberFormat costs more than formatting with one: keep one per precision. */
function formatter(min: number, max: number): Intl.NumberFormat {
  const key = `${min}-${max}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: min, maximumFractionDigits: max })));
  return f;
}

/** A price: $2,350 · $136 · $137.50 · $12.345 · $0.5120 · $0.00001234 (cents shown in full once there are any). */
export function price(value: number): string {
  const v = Math.abs(value);
  let min = 0;
  let max: number;
  if (v >= 1000) max = 0;
  else if (v >= 1) {
    max = v >= 100 ? 2 : 3;
    if (Math.abs(v - Math.round(v)) >= 0.005) min = 2;
  } else min = max = v === 0 ? 4 : Math.min(8, Math.max(4, 3 - Math.floor(Math.log10(v)))); // four significant digits
  const s = formatter(min, max).format(v);
  return `${value < 0 ? '-' : ''}$${s}`;
}

/** A count with thousands separators: 12,345 (toLocaleString would build a formatter per call). */
export function count(n: number): string {
  return formatter(0, 0).format(n);
}

/** A price level or zone: $3,000 or $2,750–2,800. */
export function levelText(level: number | readonly [number, number]): string {
  if (typeof level === 'number') return price(level);
  return `${price(level[0])}–${price(level[1]).slice(1)}`;
}

/** Signed percent: +4.2%, -21.7%. */
export function pct(fraction: number, digits = 1): string {
  const p = fraction * 100;
  const s = Math.abs(p).toFixed(Math.abs(p) < 10 ? digits : Math.max(0, digits - 1) || 0);
  return `${p > 0 ? '+' : p < 0 ? '−' : ''}${s}%`;
}

/** An unsigned share: 8%, 42%, 0.4%. */
export function share(fraction: number): string {
  const p = fraction * 100;
  if (p > 0 && p < 1) return `${p.toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st. */
export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A UTC day as traders write it: Oct 10 (with the year when it is not the reference year). */
export function day(ms: number, refMs?: number): string {
  const d = new Date(ms);
  const s = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  return refMs !== undefined && new Date(refMs).getUTCFullYear() !== d.getUTCFullYear() ? `${s}, ${d.getUTCFullYear()}` : s;
}

/** A UTC time of day: 14:05. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** A UTC timestamp for footers: 2026-01-31 14:05 UTC. */
export function stamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A duration: 45s, 12m, 3h 20m, 2d 4h. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
