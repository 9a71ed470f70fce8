/**
 * The palette read by colour-blind eyes: level roles and open interest stay apart from the candle and bar colours
 * (and from each other) under deuteranopia and protanopia, not just for full colour vision.
 */
import { describe, expect, it } from 'vitest';
import { COLORS } from '../../src/charts/theme.js';

/** Machado et al. (2009) full-severity simulations, on linear sRGB. */
const CVD = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
} as const;

const lin = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** CIELAB of a hex colour as seen with `vision`. */
function lab(hex: string, vision: keyof typeof CVD): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  const rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => lin(v / 255));
  const [r, g, b] = CVD[vision].map((row) => Math.min(1, Math.max(0, row[0] * rgb[0]! + row[1] * rgb[1]! + row[2] * rgb[2]!))) as [number, number, number];
  const X = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const Z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}

/** ΔE (CIE76) between two colours as seen with `vision`. */
function deltaE(a: string, b: string, vision: keyof typeof CVD): number {
  const p = lab(a, vision);
  const q = lab(b, vision);
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

describe('colour-blind-safe palette', () => {
  const sides = { long: COLORS.long, short: COLORS.short };
  const roles = { resistance: COLORS.resistance, support: COLORS.support, inside: COLORS.inside };

  it('every level role stays apart from both sides\' colours (ΔE ≥ 20) with full, deuteran and protan vision', () => {
    for (const vision of Object.keys(CVD) as (keyof typeof CVD)[]) {
      for (const [role, r] of Object.entries(roles)) {
        for (const [side, s] of Object.entries(sides)) expect(deltaE(r, s, vision), `${role} vs ${side}, ${vision}`).toBeGreaterThanOrEqual(20);
      }
    }
  });

  it('the roles stay apart from each other, and open interest has a colour of its own', () => {
    for (const vision of Object.keys(CVD) as (keyof typeof CVD)[]) {
      const names = Object.keys(roles) as (keyof typeof roles)[];
      for (let i = 0; i < names.length; i++) {
        for (let j = i + 1; j < names.length; j++) expect(deltaE(roles[names[i]!], roles[names[j]!], vision), `${names[i]} vs ${names[j]}, ${vision}`).toBeGreaterThanOrEqual(15);
      }
      for (const [name, c] of Object.entries({ ...roles, ...sides })) expect(deltaE(COLORS.oi, c, vision), `oi vs ${name}, ${vision}`).toBeGreaterThanOrEqual(15);
    }
  });
});
