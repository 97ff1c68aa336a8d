import { HubRoomClient } from '../src/index.js';
import { createFakeWebSocket } from './fake-websocket.js';

/**
 * Builds a client on a fake WebSocket with mocked timers and records every event it emits, in order.
 * `random` defaults to 0.5 so jittered delays are known exactly.
 * Timers are mocked through the test's own tracker, so they are restored when the test ends.
 * @param {import('node:test').TestContext} t
 * @param {import('../src/hub-room-client.js').HubRoomClientOptions & { url?: string }} [options]
 */
export function startClient(t, options = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const fake = createFakeWebSocket();
  const { url = 'ws://hub.test/rooms/chat', ...rest } = options;
  const client = new HubRoomClient(url, { WebSocket: fake.WebSocket, random: () => 0.5, ...rest });
  /** @type {{ type: string, event: any }[]} */
  const events = [];
  for (const type of ['open', 'joined', 'message', 'presence', 'recovered', 'notRecovered', 'reconnecting', 'close', 'error']) {
    client.on(/** @type {any} */ (type), (event) => events.push({ type, event }));
  }
  return {
    client,
    fake,
    events,
    /** @param {string} type */
    of: (type) => events.filter((e) => e.type === type).map((e) => e.event),
    /** @param {number} ms */
    tick: (ms) => t.mock.timers.tick(ms),
  };
}

/** Lets queued microtasks run (for errors reported asynchronously). */
export function flushMicrotasks() {
  return new Promise((resolve) => setImmediate(resolve));
}
