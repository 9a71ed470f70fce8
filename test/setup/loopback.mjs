/**
 * The loopback guard itself, plain JavaScript so that any Node process can load it: the vitest workers (through
 * loopback-guard.ts) and every process a test starts (`node --import <this file>`, see child-guard.ts), whether it
 * runs the dist/ bundle or the sources through tsx. A socket to any host but loopback throws, so a default that
 * would dial api.telegram.org, discord.com or an exchange fails loudly instead of reaching the internet.
 */
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);
const GUARDED = Symbol.for('liqbot.loopbackGuard');

/** The host a `Socket#connect(...)` call dials; undefined for a unix socket or named pipe. */
function hostOf(args) {
  const first = args[0];
  if (Array.isArray(first)) return hostOf(first);
  if (typeof first === 'object' && first !== null) {
    if (first.path) return undefined; // unix socket / named pipe
    return first.host ?? 'localhost';
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  return undefined; // a path
}

if (!net.Socket.prototype.connect[GUARDED]) {
  const original = net.Socket.prototype.connect;
  const guardedConnect = function guardedConnect(...args) {
    const host = hostOf(args);
    if (host !== undefined && !LOOPBACK.has(host)) {
      throw new Error(`loopback guard: a test tried to connect to ${host}; tests may only reach 127.0.0.1`);
    }
    return original.apply(this, args);
  };
  guardedConnect[GUARDED] = true;
  net.Socket.prototype.connect = guardedConnect;
}
