/**
 * Every test runs under this guard: a socket to any host but loopback throws, so a default that would dial
 * api.telegram.org, discord.com or an exchange fails loudly instead of reaching the internet. The guard is
 * loopback.mjs; the processes tests start load it too (child-guard.ts): those given an environment of their own
 * through `guardedEnv`, those that inherit this one through NODE_OPTIONS, set here.
 */
import './loopback.mjs';
import { withGuard } from './child-guard.js';

process.env.NODE_OPTIONS = withGuard(process.env.NODE_OPTIONS);

// Property tests run the same cases on every machine (set FC_SEED to explore others).
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20260131) });
