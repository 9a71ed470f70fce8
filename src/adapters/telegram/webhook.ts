/**
 * The Telegram webhook's HTTP server: Telegram POSTs each update to the URL given to setWebhook, with the
 * `secret_token` in `X-Telegram-Bot-Api-Secret-Token`. A request without that exact secret is refused 401 before
 * its body is read; a body over 1 MB is refused 413, one that is not JSON 400. The answer (200) is sent once
 * `handle` resolves: the adapter resolves it once the update's reply is sent, or WEBHOOK_ANSWER_MS after it is queued
 * (adapter.ts, `listen`). Telegram does not send a chat's next update before it has the answer to the previous one,
 * so a chat's updates are handled in order even when several gateways share the URL, while a reply that waits for
 * its group's turn does not hold one of the `max_connections` requests. A handler that fails is logged and still
 * answered 200 (an error answer would make Telegram send the update again).
 *
 * @example
 *   const hook = await startWebhookServer({ port: 8443, path: '/telegram', secret, handle: (u) => runUpdate(u) });
 *   await hook.close();
 */
import http from 'node:http';
import { once } from 'node:events';
import { timingSafeEqual } from 'node:crypto';
import { logger } from '../../log.js';

const log = logger('telegram');

/** The header Telegram sends the secret in (lower case, as node hands headers over). */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram's updates are a few kB; a photo caption or a long message stays well under this. */
export const MAX_UPDATE_BYTES = 1 << 20;

export interface WebhookServerOptions {
  port: number;
  host: string;
  /** The path of the webhook URL (`/telegram/hook`): other paths are 404. */
  path: string;
  secret: string;
  /** Handle one update; the HTTP answer waits for it (the adapter bounds the wait). */
  handle: (update: unknown) => Promise<void>;
}

export interface WebhookServer {
  readonly port: number;
  /** Requests refused for a missing or wrong secret. */
  readonly refused: number;
  close(): Promise<void>;
}

/** Compare secrets without leaking, through timing, how much of a guess was right. */
function sameSecret(given: string | string[] | undefined, secret: Buffer): boolean {
  if (typeof given !== 'string') return false;
  const g = Buffer.from(given);
  return g.length === secret.length && timingSafeEqual(g, secret);
}

function answer(res: http.ServerResponse, status: number, body = ''): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const secret = Buffer.from(opts.secret);
  let refused = 0;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== opts.path) return answer(res, 404);
    if (!sameSecret(req.headers[SECRET_HEADER], secret)) {
      refused++;
      req.resume();
      return answer(res, 401);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_UPDATE_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) return answer(res, 413);
      let update: unknown;
      try {
        update = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(res, 400);
      }
      if (typeof update !== 'object' || update === null || Array.isArray(update)) return answer(res, 400);
      opts.handle(update).then(
        () => answer(res, 200, '{}'),
        (err: unknown) => {
          log.error({ err }, 'webhook update handling failed');
          answer(res, 200, '{}');
        },
      );
    });
  });
  server.listen(opts.port, opts.host);
  try {
    await once(server, 'listening');
  } catch (err) {
    throw new Error(`Telegram webhook: cannot listen on ${opts.host}:${opts.port} (${(err as Error).message}); check TELEGRAM_WEBHOOK_HOST and TELEGRAM_WEBHOOK_PORT`, { cause: err });
  }
  return {
    port: (server.address() as { port: number }).port,
    get refused() {
      return refused;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
