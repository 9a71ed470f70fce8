/**
 * "Real work has settled" for tests that drive the Telegram adapter on a manual clock against the fake Bot API over
 * real loopback HTTP: time must not move while a request is on its way. Settled means, at two turns of the event
 * loop in a row with nothing started or recorded in between:
 * - no Bot API request of the bot is open, but the getUpdates long poll parked at the fake (counted on the client
 *   side, as telegraf's requests go through Node's global HTTP agent, so a request not yet read by the fake counts);
 * - every update pushed has been acknowledged (telegraf asks for the next ones only once it handled the last ones);
 * - nothing is on the pacer's wire.
 * The pacer frees a chat's lane on the next turn of the loop (setImmediate), which the two calm turns cover. No wall
 * clock is read: it is the state of the bot and the fake, looked at between turns of the loop.
 */
import http from 'node:http';
import type { Harness } from './harness.js';

const COUNTED = Symbol.for('liqbot.test.requestCount');
const requests = { started: 0, open: 0 };

/** Count the requests going through Node's global HTTP agent (installed once, when this module loads). */
function countRequests(): void {
  const agent = http.globalAgent as http.Agent & { [COUNTED]?: typeof requests; addRequest(req: http.ClientRequest, options: unknown): void };
  if (agent[COUNTED]) return;
  const add = agent.addRequest.bind(agent);
  agent.addRequest = (req, options) => {
    requests.started++;
    requests.open++;
    req.once('close', () => requests.open--);
    add(req, options);
  };
  agent[COUNTED] = requests;
}
countRequests();

/** Resolves once the bot and the fake Bot API have nothing left to do without the clock moving (see above). */
export async function settled(h: Harness | undefined): Promise<void> {
  if (!h) return;
  let calm = 0;
  let seen = -1;
  for (let turn = 0; calm < 2; turn++) {
    if (turn > 1_000_000) throw new Error('the Telegram harness never settled');
    await new Promise((resolve) => setImmediate(resolve));
    const idle = requests.open === h.fake.parkedPolls && h.fake.unacknowledgedUpdates === 0 && h.adapter.pacing().onWire === 0;
    const mark = requests.started + h.fake.calls.length;
    calm = idle && mark === seen ? calm + 1 : 0;
    seen = mark;
  }
}
