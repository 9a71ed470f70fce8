/**
 * The summary windows a chat can ask for. Apart from the schema, so that code which only needs the windows (the
 * offline commands among it) does not load zod.
 */
export const WINDOWS = ['1h', '4h', '12h', '24h', '7d'] as const;
export type WindowName = (typeof WINDOWS)[number];
export const WINDOW_MS: Record<WindowName, number> = {
  '1h': 3_600_000,
  '4h': 14_400_000,
  '12h': 43_200_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
};
export const ALL_WINDOWS: readonly WindowName[] = WINDOWS;
