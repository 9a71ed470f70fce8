/**
 * The Telegram webhook server on its own (src/adapters/telegram/webhook.ts): the secret is checked before anything
 * else, bodies that are too large or not JSON are refused, and the 200 comes only once the update is handled.
 * No services needed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_UPDATE_BYTES, SECRET_HEADER, startWebhookServer, type WebhookServer } from '../../src/adapters/telegram/webhook.js';

const SECRET = 'hook_secret-1';

describe('the webhook server', () => {
  let server: WebhookServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(handle: (u: unknown) => Promise<void>): Promise<string> {
    server = await startWebhookServer({ port: 0, host: '127.0.0.1', path: '/hook', secret: SECRET, handle });
    return `http://127.0.0.1:${server.port}/hook`;
  }
  const post = (url: string, body: string, secret: string | null = SECRET) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret !== null ? { [SECRET_HEADER]: secret } : {}) }, body });

  it('refuses a wrong or missing secret with 401 and never hands the update on', async () => {
    const handled: unknown[] = [];
    const url = await start(async (u) => void handled.push(u));
    expect((await post(url, '{"update_id":1}', 'hook_secret-2')).status).toBe(401);
    expect((await post(url, '{"update_id":1}', 'hook_secret-1x')).status).toBe(401);
    expect((await post(url, '{"update_id":1}', null)).status).toBe(401);
    expect(server!.refused).toBe(3);
    expect((await fetch(url)).status).toBe(404);
    expect(handled).toEqual([]);
    expect((await post(url, '{"update_id":2}')).status).toBe(200);
    expect(handled).toEqual([{ update_id: 2 }]);
  });

  it('refuses a body over 1 MB (413) and one that is not a JSON object (400)', async () => {
    const handled: unknown[] = [];
    const url = await start(async (u) => void handled.push(u));
    expect((await post(url, JSON.stringify({ text: 'x'.repeat(MAX_UPDATE_BYTES) }))).status).toBe(413);
    expect((await post(url, '{"update_id":')).status).toBe(400);
    expect((await post(url, '[1,2]')).status).toBe(400);
    expect(handled).toEqual([]);
  });

  it('answers 200 only once the update is handled; a handler that fails is still answered 200', async () => {
    let finish!: () => void;
    const order: string[] = [];
    const url = await start((u) => {
      if ((u as { update_id: number }).update_id === 9) return Promise.reject(new Error('boom'));
      return new Promise<void>((resolve) => {
        finish = () => {
          order.push('handled');
          resolve();
        };
      });
    });
    const answered = post(url, '{"update_id":1}').then((r) => {
      order.push('answered');
      return r.status;
    });
    while (!finish) await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    finish();
    expect(await answered).toBe(200);
    expect(order).toEqual(['handled', 'answered']);
    expect((await post(url, '{"update_id":9}')).status).toBe(200);
  });
});
