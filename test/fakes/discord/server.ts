/**
 * A local fake of Discord for the real discord.js: REST under `/api/v10` and a JSON gateway at `/gateway`, both on
 * one 127.0.0.1 port. It speaks HELLO / IDENTIFY / heartbeat ACK / READY / GUILD_CREATE / INTERACTION_CREATE,
 * records every request (JSON or multipart), keeps channel messages, and enforces rate limits the way Discord
 * does: per-route buckets with X-RateLimit-* headers on every answer, a global per-second limit, and 429s with
 * Retry-After, X-RateLimit-Scope and a `{message, retry_after, global}` body when either is exceeded. It keeps
 * Discord's rules a client can trip on: a post repeated with the same enforced nonce within a few minutes answers
 * with the first one's message; the first follow-up to a deferred reply takes over its placeholder, with the
 * defer's visibility; a channel of a server the bot was removed from answers Missing Access.
 *
 * @example
 *   const fake = await FakeDiscord.start({ guilds: [guild()] });
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiBase } });
 *   await client.login(FAKE_TOKEN);
 *   const answer = await fake.interact(slashCommand({ ... }));
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { channelJson, guildCreate, snowflake, user, type FakeChannel, type FakeGuild, type FakeUser } from './payloads.js';

/** A token that looks like a bot token (discord.js only checks it is a string). */
export const FAKE_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.liqbot-test-token-000000000000';

export interface RouteLimit {
  /** Requests per bucket… */
  limit: number;
  /** …per window of this many ms (the window starts at a bucket's first request). */
  windowMs: number;
}

export interface FakeLimits {
  /** Authorized requests per any sliding second, every route together (Discord: 50). */
  globalPerSecond?: number;
  /** Per-route bucket for channel routes (`/channels/:id/…`), per channel and method. Discord: 5 per 5 s for messages. */
  channelRoute?: RouteLimit;
}

export interface FakeFile {
  field: string;
  name: string;
  type: string;
  size: number;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path after `/api/v10`, e.g. `/channels/123/messages`, `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: string;
  authorized: boolean;
  /** The JSON body, or a multipart request's `payload_json`. */
  json?: any;
  files: FakeFile[];
  status: number;
  /** When it arrived (performance.now, comparable across a test's processes only through this fake). */
  at: number;
  /** Which process sent it, when its apiBase came from `apiBaseFor(sender)`. */
  sender?: string;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  embeds: any[];
  components: any[];
  attachments: { id: string; filename: string; size: number; content_type: string; description?: string }[];
  flags: number;
  edits: number;
  /** The message this one replies to (`message_reference`), when it still existed. */
  message_reference?: { message_id: string; channel_id: string };
  /** The nonce it was posted with. */
  nonce?: string;
}

export interface InteractionRecord {
  id: string;
  token: string;
  /** The channel it came from. */
  channelId?: string;
  /** Every callback (type 4 reply, 5 defer, 6 deferred update, 7 update, 8 autocomplete result). */
  callbacks: { type: number; data?: any; files: FakeFile[] }[];
  /** The original response as it stands after callbacks and `@original` edits. */
  original?: FakeMessage;
  followups: FakeMessage[];
  deleted: boolean;
  /** A follow-up sent while the deferred reply was still "thinking…": Discord made it the reply (see `webhook`). */
  takenOver?: boolean;
}

/** How long an enforced nonce is remembered: Discord says "a few minutes". */
export const NONCE_WINDOW_MS = 5 * 60_000;

interface Bucket {
  count: number;
  resetAt: number;
}

export interface FakeOptions {
  guilds?: FakeGuild[];
  /** Channels known to REST only (not sent over the gateway): an alert fan-out needs no cache. */
  channels?: FakeChannel[];
  limits?: FakeLimits;
  /** The shard count GET /gateway/bot recommends. */
  recommendedShards?: number;
  /** `session_start_limit.max_concurrency`: shards that may IDENTIFY at once (discord.js waits 5 s otherwise). */
  maxConcurrency?: number;
}

export class FakeDiscord {
  readonly applicationId = snowflake();
  readonly bot: FakeUser = user(this.applicationId, 'liqbot', true);
  readonly requests: RecordedRequest[] = [];
  readonly identifies: { shard?: [number, number]; intents: number; token: string }[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly messages = new Map<string, FakeMessage[]>();
  readonly interactions = new Map<string, InteractionRecord>();
  /** 429s this fake answered, by scope. */
  readonly rateLimited = { global: 0, route: 0 };
  /** Registered commands by scope: 'global' or a guild id. */
  readonly commands = new Map<string, any[]>();
  limits: FakeLimits;
  /** Answer requests whose path matches after a pause (a slow Discord). */
  readonly delays: { path: RegExp; ms: number }[] = [];
  /** Answer requests whose path (and method, when given) matches with this 5xx status. */
  readonly failures: { path: RegExp; status: number; method?: string }[] = [];
  /**
   * Requests whose path matches are carried out (a message posted, an edit made) but their answer is lost, the next
   * `times` times: a 5xx `status` comes back instead of the result, or, with no status, nothing at all until the
   * client gives up (its timeout) and closes the connection.
   */
  readonly lostAnswers: { path: RegExp; times: number; status?: number }[] = [];

  private readonly sockets = new Set<{ ws: WebSocket; shard: [number, number]; seq: number }>();
  private readonly holds: { path: RegExp; waiting: number; release: () => void; gate: Promise<void> }[] = [];
  /** Enforced nonces of the bot's posts: where the message went and when. */
  private readonly nonces = new Map<string, { channelId: string; messageId: string; at: number }>();
  /** Servers the bot was removed from. */
  private readonly left = new Set<string>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly recent: number[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private port = 0;

  private constructor(
    private readonly server: Server,
    private readonly opts: FakeOptions,
  ) {
    this.limits = opts.limits ?? {};
    for (const g of opts.guilds ?? []) this.addGuild(g);
    for (const c of opts.channels ?? []) this.addChannel(c);
  }

  static async start(opts: FakeOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    const fake = new FakeDiscord(server, opts);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.handle(req, res));
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/gateway')) return socket.destroy();
      fake.wss.handleUpgrade(req, socket, head, (ws) => fake.onGateway(ws));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  /** What discord.js's `rest.api` option takes. */
  get apiBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }
  /** An apiBase whose requests are recorded as `sender`'s (several processes on one fake). */
  apiBaseFor(sender: string): string {
    return `http://127.0.0.1:${this.port}/s-${sender}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  addGuild(g: FakeGuild): void {
    this.guilds.set(g.id, g);
    for (const c of g.channels) this.addChannel(c);
  }
  addChannel(c: FakeChannel): void {
    this.channels.set(c.id, c);
  }

  /** The bot is removed from a server: its channels answer 403 Missing Access (50001), the server 404 Unknown Guild. */
  removeGuild(id: string): void {
    this.guilds.delete(id);
    this.left.add(id);
  }

  /**
   * Hold requests whose path matches until `release()` (a slow Discord, on the test's cue): `waiting()` counts those
   * that arrived and wait (each arrival wakes `until`).
   */
  hold(path: RegExp): { release: () => void; waiting: () => number } {
    let open!: () => void;
    const h = { path, waiting: 0, release: () => open(), gate: new Promise<void>((resolve) => (open = resolve)) };
    this.holds.push(h);
    return {
      release: () => {
        this.holds.splice(this.holds.indexOf(h), 1);
        h.release();
      },
      waiting: () => h.waiting,
    };
  }

  /** Fill a channel's bucket for `method`, as if another process had just used it up. */
  exhaustChannelBucket(channelId: string, method = 'POST'): void {
    const limit = this.limits.channelRoute;
    if (!limit) throw new Error('exhaustChannelBucket needs limits.channelRoute');
    this.buckets.set(`${method} /channels/:id/messages:${channelId}`, { count: limit.limit, resetAt: Date.now() + limit.windowMs });
  }

  /** Resolve when `predicate` holds (checked on every request and gateway frame), or throw after `timeoutMs`. */
  async until<T>(predicate: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const first = predicate();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = predicate();
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      // A slow poll too, for conditions that change without a request (e.g. time passing).
      const poll = setInterval(check, 50);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Send INTERACTION_CREATE on the shard that owns the guild and resolve with the first callback. */
  async interact(payload: { id: string; token: string; guild_id?: string; channel_id?: string }, timeoutMs = 10_000): Promise<{ type: number; data?: any; files: FakeFile[] }> {
    this.interactions.set(payload.id, { id: payload.id, token: payload.token, ...(payload.channel_id ? { channelId: payload.channel_id } : {}), callbacks: [], followups: [], deleted: false });
    this.dispatch('INTERACTION_CREATE', payload, payload.guild_id);
    const rec = this.interactions.get(payload.id)!;
    return this.until(() => rec.callbacks[0], timeoutMs, `a callback for interaction ${payload.id}`);
  }

  /** The interaction record (callbacks, original, follow-ups). */
  interaction(id: string): InteractionRecord {
    const rec = this.interactions.get(id);
    if (!rec) throw new Error(`no interaction ${id}`);
    return rec;
  }

  /** Send a dispatch to the connection that owns `guildId` (shard formula), or to every connection. */
  dispatch(t: string, d: unknown, guildId?: string): void {
    for (const s of this.sockets) {
      const [shard, count] = s.shard;
      if (guildId && count > 1 && Number((BigInt(guildId) >> 22n) % BigInt(count)) !== shard) continue;
      s.ws.send(JSON.stringify({ op: 0, t, s: ++s.seq, d }));
    }
  }

  get connections(): number {
    return this.sockets.size;
  }

  private onGateway(ws: WebSocket): void {
    const conn = { ws, shard: [0, 1] as [number, number], seq: 0 };
    this.sockets.add(conn);
    ws.on('close', () => {
      this.sockets.delete(conn);
      this.notify();
    });
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number; d: any };
      if (frame.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      else if (frame.op === 2) this.onIdentify(conn, frame.d);
      else if (frame.op === 6) ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++conn.seq, d: {} }));
      this.notify();
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
  }

  private onIdentify(conn: { ws: WebSocket; shard: [number, number]; seq: number }, d: any): void {
    conn.shard = Array.isArray(d.shard) ? [d.shard[0], d.shard[1]] : [0, 1];
    this.identifies.push({ shard: d.shard, intents: d.intents, token: d.token });
    const [shard, count] = conn.shard;
    const mine = [...this.guilds.values()].filter((g) => !g.offline && (count <= 1 || Number((BigInt(g.id) >> 22n) % BigInt(count)) === shard));
    const send = (t: string, payload: unknown) => conn.ws.send(JSON.stringify({ op: 0, t, s: ++conn.seq, d: payload }));
    send('READY', {
      v: 10,
      user: this.bot,
      guilds: mine.map((g) => ({ id: g.id, unavailable: true })),
      session_id: `session_${snowflake()}`,
      resume_gateway_url: this.gatewayUrl,
      shard: conn.shard,
      application: { id: this.applicationId, flags: 0 },
      user_settings: {},
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
    });
    for (const g of mine) send('GUILD_CREATE', guildCreate(g, this.bot));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- REST -------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // `/s-A/api/v10/…` (an apiBase from `apiBaseFor('A')`): the same API, the request recorded as A's.
    const tagged = /^\/s-(\w+)(\/.*)$/.exec(url.pathname);
    const path = decodeURIComponent((tagged?.[2] ?? url.pathname).replace(/^\/api\/v10/, ''));
    const method = req.method ?? 'GET';
    const rec: RecordedRequest = { method, path, query: url.search, authorized: !!req.headers.authorization, files: [], status: 0, at: performance.now(), ...(tagged ? { sender: tagged[1]! } : {}) };
    const ct = req.headers['content-type'] ?? '';
    if (ct.startsWith('application/json') && raw.length) rec.json = JSON.parse(raw.toString('utf8'));
    else if (ct.startsWith('multipart/form-data')) {
      const form = await new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': ct }, body: raw }).formData();
      for (const [field, value] of form.entries()) {
        if (field === 'payload_json') rec.json = JSON.parse(String(value));
        else if (typeof value !== 'string') rec.files.push({ field, name: value.name, type: value.type, size: value.size });
      }
    }
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      rec.status = status;
      this.requests.push(rec);
      if (status === 204 || body === undefined) {
        res.writeHead(status, headers); // no content-type on a 204
        res.end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      }
      this.notify();
    };

    const held = this.holds.find((h) => h.path.test(path));
    if (held) {
      held.waiting++;
      this.notify();
      await held.gate;
    }
    const delay = this.delays.find((d) => d.path.test(path));
    if (delay) await new Promise((r) => setTimeout(r, delay.ms));
    const failure = this.failures.find((f) => f.path.test(path) && (f.method === undefined || f.method === method));
    if (failure) return reply(failure.status, { message: 'Bad Gateway', code: 0 });
    if (rec.authorized && req.headers.authorization !== `Bot ${FAKE_TOKEN}`) return reply(401, { message: '401: Unauthorized', code: 0 });
    const limited = this.rateLimit(method, path, rec.authorized);
    if (limited.status === 429) return reply(429, limited.body, limited.headers);
    const headers = limited.headers;
    let answer: [number, unknown?];
    try {
      answer = this.route(method, path, rec);
    } catch (err) {
      answer = [500, { message: String(err), code: 0 }];
    }
    const lost = this.lostAnswers.find((l) => l.times > 0 && l.path.test(path));
    if (lost) {
      lost.times--;
      if (lost.status !== undefined) return reply(lost.status, { message: 'Bad Gateway', code: 0 });
      // No answer: the request is recorded (status 0) and the connection left open until the client gives up.
      this.requests.push(rec);
      this.notify();
      return;
    }
    reply(answer[0], answer[1], headers);
  }

  /** Check and count the global limit and the route's bucket; returns the headers to send (or a 429). */
  private rateLimit(method: string, path: string, authorized: boolean): { status?: 429; body?: unknown; headers: Record<string, string> } {
    const now = Date.now();
    const global = this.limits.globalPerSecond;
    if (authorized && global) {
      while (this.recent.length && this.recent[0]! <= now - 1000) this.recent.shift();
      if (this.recent.length >= global) {
        const retryAfter = Math.max(0.001, (this.recent[0]! + 1000 - now) / 1000);
        this.rateLimited.global++;
        return {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
          headers: { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
        };
      }
    }
    const channel = /^\/channels\/(\d+)\/messages/.exec(path);
    const routeLimit = this.limits.channelRoute;
    let headers: Record<string, string> = {};
    if (channel && routeLimit) {
      const key = `${method} /channels/:id/messages:${channel[1]}`;
      let b = this.buckets.get(key);
      if (!b || b.resetAt <= now) {
        b = { count: 0, resetAt: now + routeLimit.windowMs };
        this.buckets.set(key, b);
      }
      const resetAfter = (b.resetAt - now) / 1000;
      const bucketHeaders = (remaining: number) => ({
        'x-ratelimit-limit': String(routeLimit.limit),
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': (b!.resetAt / 1000).toFixed(3),
        'x-ratelimit-reset-after': resetAfter.toFixed(3),
        'x-ratelimit-bucket': `${method.toLowerCase()}-channel-messages-bucket`,
      });
      if (b.count >= routeLimit.limit) {
        this.rateLimited.route++;
        return {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: resetAfter, global: false },
          headers: { ...bucketHeaders(0), 'retry-after': String(Math.ceil(resetAfter)), 'x-ratelimit-scope': 'user' },
        };
      }
      b.count++;
      headers = bucketHeaders(routeLimit.limit - b.count);
    }
    if (authorized && global) this.recent.push(now);
    return { headers };
  }

  private route(method: string, path: string, rec: RecordedRequest): [number, unknown?] {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return [200, { url: this.gatewayUrl, shards: this.opts.recommendedShards ?? 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: this.opts.maxConcurrency ?? 1 } }];
    }
    if (method === 'GET' && path === '/gateway') return [200, { url: this.gatewayUrl }];
    if (method === 'GET' && path === '/users/@me') return [200, this.bot];
    if (method === 'GET' && path === '/applications/@me') return [200, { id: this.applicationId, name: 'liqbot', bot: this.bot, flags: 0 }];
    if (method === 'GET' && (m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(path))) {
      if (m[1] !== this.applicationId) return [404, { message: 'Unknown Application', code: 10002 }];
      return [200, this.commands.get(m[2] ?? 'global') ?? []];
    }
    if (method === 'PUT' && (m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(path))) {
      if (m[1] !== this.applicationId) return [404, { message: 'Unknown Application', code: 10002 }];
      if (m[2] && !this.guilds.has(m[2])) return [403, { message: 'Missing Access', code: 50001 }];
      const saved = (rec.json as any[]).map((c) => ({ ...c, id: snowflake(), application_id: this.applicationId, version: snowflake(), ...(m![2] ? { guild_id: m![2] } : {}) }));
      this.commands.set(m[2] ?? 'global', saved);
      return [200, saved];
    }
    if (method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) return this.callback(m[1]!, m[2]!, rec);
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(path))) return this.webhook(method, m[2]!, m[3], rec);
    if ((m = /^\/channels\/(\d+)(\/messages(?:\/(\d+))?)?$/.exec(path))) return this.channelRoute(method, m[1]!, m[2] !== undefined, m[3], rec);
    if (method === 'GET' && (m = /^\/guilds\/(\d+)$/.exec(path))) {
      const g = this.guilds.get(m[1]!);
      if (!g) return [404, { message: 'Unknown Guild', code: 10004 }];
      // GET /guilds/:id carries the guild and its roles, not its channels or members.
      const { channels: _c, members: _m, threads: _t, presences: _p, voice_states: _v, ...rest } = guildCreate(g, this.bot);
      return [200, rest];
    }
    if (method === 'GET' && (m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path))) {
      const g = this.guilds.get(m[1]!);
      return g ? [200, guildCreate(g, this.bot).members[0]] : [404, { message: 'Unknown Guild', code: 10004 }];
    }
    if (method === 'GET' && (m = /^\/guilds\/(\d+)\/roles$/.exec(path))) {
      const g = this.guilds.get(m[1]!);
      return g ? [200, guildCreate(g, this.bot).roles] : [404, { message: 'Unknown Guild', code: 10004 }];
    }
    return [404, { message: '404: Not Found', code: 0 }];
  }

  private newMessage(channelId: string, rec: RecordedRequest, flags = 0): FakeMessage {
    return {
      id: snowflake(),
      channel_id: channelId,
      embeds: rec.json?.embeds ?? [],
      components: rec.json?.components ?? [],
      attachments: this.attachments(rec, []),
      flags: rec.json?.flags ?? flags,
      edits: 0,
    };
  }

  /** Attachments after a create/edit: the kept ones listed in `attachments` plus the uploaded files. */
  private attachments(rec: RecordedRequest, old: FakeMessage['attachments']): FakeMessage['attachments'] {
    const listed = rec.json?.attachments as { id: string | number; filename?: string; description?: string }[] | undefined;
    const kept = listed === undefined ? old : old.filter((a) => listed.some((l) => String(l.id) === a.id));
    const uploaded = rec.files.map((f, i) => {
      const meta = listed?.find((l) => String(l.id) === String(i));
      return { id: snowflake(), filename: f.name, size: f.size, content_type: f.type, ...(meta?.description ? { description: meta.description } : {}) };
    });
    return [...kept, ...uploaded];
  }

  messageJson(m: FakeMessage) {
    return {
      id: m.id,
      channel_id: m.channel_id,
      author: this.bot,
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: m.edits ? new Date().toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: m.attachments.map((a) => ({ ...a, url: `http://127.0.0.1:${this.port}/attachments/${a.id}/${a.filename}`, proxy_url: `http://127.0.0.1:${this.port}/attachments/${a.id}/${a.filename}` })),
      embeds: m.embeds,
      components: m.components,
      pinned: false,
      type: 0,
      flags: m.flags,
      application_id: this.applicationId,
      ...(m.nonce !== undefined ? { nonce: m.nonce } : {}),
    };
  }

  private edit(m: FakeMessage, rec: RecordedRequest): void {
    if (rec.json?.embeds !== undefined) m.embeds = rec.json.embeds;
    if (rec.json?.components !== undefined) m.components = rec.json.components;
    m.attachments = this.attachments(rec, m.attachments);
    m.edits++;
  }

  private callback(id: string, token: string, rec: RecordedRequest): [number, unknown?] {
    const it = this.interactions.get(id);
    if (!it || it.token !== token) return [404, { message: 'Unknown interaction', code: 10062 }];
    if (it.callbacks.length) return [400, { message: 'Interaction has already been acknowledged.', code: 40060 }];
    const type = rec.json?.type as number;
    const data = rec.json?.data;
    it.callbacks.push({ type, data, files: rec.files });
    if (type === 4 || type === 5) it.original = this.newMessage(it.channelId ?? '', { ...rec, json: data ?? {} });
    if (!/[?&]with_response=true\b/.test(rec.query)) return [204];
    // `?with_response=true`: the interaction callback response, with the message a reply (type 4) created.
    const flags = it.original?.flags ?? 0;
    return [200, {
      interaction: { id, type: 2, ...(it.original ? { response_message_id: it.original.id, response_message_loading: type === 5, response_message_ephemeral: (flags & 64) !== 0 } : {}) },
      resource: { type, ...(type === 4 && it.original ? { message: this.messageJson(it.original) } : {}) },
    }];
  }

  private webhook(method: string, token: string, which: string | undefined, rec: RecordedRequest): [number, unknown?] {
    const it = [...this.interactions.values()].find((i) => i.token === token);
    if (!it) return [404, { message: 'Unknown Webhook', code: 10015 }];
    if (which === undefined && method === 'POST') {
      // The first follow-up while a deferred reply still says "thinking…" is taken as that reply: it replaces the
      // placeholder and keeps the defer's visibility, whatever flags it asked for (Discord's backward compatibility).
      if (it.callbacks[0]?.type === 5 && it.original && !it.original.edits && !it.deleted && !it.takenOver) {
        this.edit(it.original, rec);
        it.takenOver = true;
        return [200, this.messageJson(it.original)];
      }
      const m = this.newMessage(it.channelId ?? '', rec);
      it.followups.push(m);
      return [200, this.messageJson(m)];
    }
    if (which === '@original') {
      if (method === 'DELETE') {
        it.deleted = true;
        return [204];
      }
      if (!it.original) it.original = this.newMessage('', { ...rec, json: {} });
      if (method === 'PATCH') this.edit(it.original, rec);
      return [200, this.messageJson(it.original)];
    }
    return [404, { message: 'Unknown Message', code: 10008 }];
  }

  private channelRoute(method: string, channelId: string, messages: boolean, messageId: string | undefined, rec: RecordedRequest): [number, unknown?] {
    const c = this.channels.get(channelId);
    if (!c || c.deleted) return [404, { message: 'Unknown Channel', code: 10003 }];
    if (c.noAccess || (c.guildId !== undefined && this.left.has(c.guildId))) return [403, { message: 'Missing Access', code: 50001 }];
    if (!messages) return method === 'GET' ? [200, channelJson(c)] : [405, { message: '405: Method Not Allowed', code: 0 }];
    if (c.noPermission && method !== 'GET') return [403, { message: 'Missing Permissions', code: 50013 }];
    const list = this.messages.get(channelId) ?? [];
    this.messages.set(channelId, list);
    if (method === 'POST' && !messageId) {
      const nonce = rec.json?.nonce === undefined ? undefined : String(rec.json.nonce);
      if (nonce !== undefined && nonce.length > 25) {
        return [400, { message: 'Invalid Form Body', code: 50035, errors: { nonce: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] } } }];
      }
      // enforce_nonce: a post repeated within a few minutes answers with the message the first one created (one
      // deleted since is not posted again: Unknown Message).
      const seen = nonce !== undefined && rec.json?.enforce_nonce === true ? this.nonces.get(nonce) : undefined;
      if (seen && Date.now() - seen.at < NONCE_WINDOW_MS) {
        const first = this.messages.get(seen.channelId)?.find((x) => x.id === seen.messageId);
        return first ? [200, this.messageJson(first)] : [404, { message: 'Unknown Message', code: 10008 }];
      }
      const m = this.newMessage(channelId, rec);
      if (nonce !== undefined) m.nonce = nonce;
      // A reply: Discord refuses one to a missing message unless fail_if_not_exists is false (then it is a plain post).
      const ref = rec.json?.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
      if (ref?.message_id !== undefined) {
        const known = list.some((x) => x.id === ref.message_id) || [...this.interactions.values()].some((i) => i.original?.id === ref.message_id || i.followups.some((f) => f.id === ref.message_id));
        if (known) m.message_reference = { message_id: ref.message_id, channel_id: channelId };
        else if (ref.fail_if_not_exists !== false) return [400, { message: 'Invalid Form Body', code: 50035, errors: { message_reference: { _errors: [{ code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }] } } }];
      }
      list.push(m);
      if (nonce !== undefined && rec.json?.enforce_nonce === true) this.nonces.set(nonce, { channelId, messageId: m.id, at: Date.now() });
      return [200, this.messageJson(m)];
    }
    const m = list.find((x) => x.id === messageId);
    if (!m) return [404, { message: 'Unknown Message', code: 10008 }];
    if (method === 'PATCH') {
      this.edit(m, rec);
      return [200, this.messageJson(m)];
    }
    if (method === 'DELETE') {
      list.splice(list.indexOf(m), 1);
      return [204];
    }
    return [200, this.messageJson(m)];
  }
}
