/** Which failed sends are the platform refusing the request itself (given up after three), and which are not. */
import { expect, it } from 'vitest';
import { deliveryFailure } from '../../src/adapters/errors.js';
import { translateError } from '../../src/adapters/telegram/errors.js';
import { idempotencyKey, refusedRequest } from '../../src/alerts/lane.js';

const tg = (code: number, description: string) => deliveryFailure(translateError({ response: { error_code: code, description } }, 'deliver'));

it('tells a refusal from a rate limit, a refused token, a gone chat and an outage', () => {
  expect(refusedRequest(tg(400, 'Bad Request: message is too long'))).toBe(true);
  expect(refusedRequest(tg(400, 'Bad Request: TOPIC_CLOSED'))).toBe(true);
  expect(refusedRequest({ error: 'Discord deliver: 400 Invalid Form Body (code 50035): {}' })).toBe(true);
  expect(refusedRequest({ error: 'whatever', kind: 'rejected' })).toBe(true);
  expect(refusedRequest({ error: 'Telegram deliver: 400 Bad Request: message is too long', kind: 'unavailable' })).toBe(false);
  expect(refusedRequest(tg(429, 'Too Many Requests: retry after 5'))).toBe(false);
  expect(refusedRequest(tg(502, 'Bad Gateway'))).toBe(false);
  expect(refusedRequest(tg(401, 'Unauthorized'))).toBe(false);
  expect(refusedRequest(tg(404, 'Not Found'))).toBe(false); // a wrong API root or token: every request, not this one
  expect(refusedRequest({ error: 'Telegram deliver: request to https://api.telegram.org failed, reason: ECONNRESET' })).toBe(false);
  expect(refusedRequest({ error: 'Discord deliver: 403 Missing Access (code 50001)', retryAfterMs: 60_000 })).toBe(false);
  // A channel whose permissions refuse the post (Discord 50013 as a refused request, not the server gone).
  expect(refusedRequest({ error: 'Discord deliver: 403 Missing Permissions (code 50013): the bot may not post there' })).toBe(true);
});

it('an entry is one send by its id and creation time: a new database starting its ids at 1 again is not taken for the last one', () => {
  const T = Date.parse('2026-01-31T12:00:00Z');
  expect(idempotencyKey({ id: 1, createdAt: T })).toBe(idempotencyKey({ id: 1, createdAt: T }));
  expect(idempotencyKey({ id: 1, createdAt: T })).not.toBe(idempotencyKey({ id: 1, createdAt: T + 1 }));
});
