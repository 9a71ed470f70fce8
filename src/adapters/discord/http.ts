/**
 * discord.js's REST requests made with node:http/https through a given agent (its `makeRequest` option): REST uses
 * undici's fetch by default, which ignores a node Agent, so the deliver role's fence (an agent that refuses a
 * request once the lease may be gone) would not see Discord's requests. discord.js keeps its own work (routes,
 * rate-limit buckets, retries, errors); this only moves bytes.
 *
 * @example
 *   const rest = new REST({ api, makeRequest: requestThrough({ http: fencedHttp, https: fencedHttps }) });
 */
import http from 'node:http';
import https from 'node:https';
import type { RESTOptions, ResponseLike } from 'discord.js';

type RequestInit = Parameters<RESTOptions['makeRequest']>[1];

export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

/** The body discord.js hands over (a JSON string, or FormData for files) as bytes and their content type. */
async function bodyBytes(body: unknown): Promise<{ data?: Buffer; type?: string }> {
  if (body === undefined || body === null) return {};
  if (typeof body === 'string') return { data: Buffer.from(body) };
  if (body instanceof Uint8Array) return { data: Buffer.from(body) };
  // FormData (and anything else fetch takes): let the platform encode it, boundary and all.
  const encoded = new Response(body as BodyInit);
  return { data: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get('content-type') ?? undefined };
}

function headerRecord(init: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init as HeadersInit | undefined).forEach((v, k) => (out[k] = v));
  return out;
}

/** A `makeRequest` for discord.js's REST whose requests go through `agents` (by the URL's protocol). */
export function requestThrough(agents: Agents): RESTOptions['makeRequest'] {
  return async (url, init) => {
    const { data, type } = await bodyBytes(init.body);
    const headers = headerRecord(init.headers);
    if (type) headers['content-type'] = type;
    if (data) headers['content-length'] = String(data.length);
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : http;
    const agent = target.protocol === 'https:' ? agents.https : agents.http;
    return new Promise<ResponseLike>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortError());
      const req = lib.request(target, { method: init.method ?? 'GET', headers, agent });
      const onAbort = () => req.destroy(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      // Every failure rejects at once, a request the agent refused before it was written among them.
      req.once('error', (err) => {
        done();
        reject(err);
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', (err) => {
          done();
          reject(err);
        });
        res.once('end', () => {
          done();
          const status = res.statusCode ?? 0;
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
          const empty = status === 204 || status === 304 || chunks.length === 0;
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: out }) as unknown as ResponseLike);
        });
      });
      req.end(data);
    });
  };
}

function abortError(): Error {
  const err = new Error('The request was aborted (timed out)');
  err.name = 'AbortError';
  return err;
}
