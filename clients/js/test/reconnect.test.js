import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HubRoomClient } from '../src/index.js';
import { flushMicrotasks, startClient } from '../test-support/harness.js';

const backoff = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0, stableMs: 5_000 };

describe('reconnect', () => {
  test('retries with growing delays up to the cap, one socket per attempt', (t) => {
    const h = startClient(t, { backoff });
    for (let i = 0; i < 6; i++) {
      h.fake.last.fail();
      const { delayMs } = h.of('reconnecting').at(-1);
      h.tick(delayMs - 1);
      assert.equal(h.fake.sockets.length, i + 1, 'no attempt before the delay ends');
      h.tick(1);
      assert.equal(h.fake.sockets.length, i + 2);
    }
    assert.deepEqual(
      h.of('reconnecting').map((e) => [e.attempt, e.delayMs]),
      [[1, 100], [2, 200], [3, 400], [4, 800], [5, 1_000], [6, 1_000]],
    );
    assert.equal(h.client.state, 'connecting');
  });

  test('reconnect delays stay within the jitter bounds', (t) => {
    let i = 0;
    const randoms = [0, 0.999, 0.25, 0.75];
    const h = startClient(t, { backoff: { ...backoff, jitter: 0.5 }, random: () => randoms[i++ % randoms.length] });
    for (let attempt = 1; attempt <= 8; attempt++) {
      h.fake.last.fail();
      const { delayMs } = h.of('reconnecting').at(-1);
      const ceiling = Math.min(1_000, 100 * 2 ** (attempt - 1));
      assert.ok(delayMs >= ceiling / 2 && delayMs <= ceiling, `attempt ${attempt}: ${delayMs} of ${ceiling}`);
      h.tick(delayMs);
    }
  });

  test('a connection that stays open for stableMs resets the backoff', (t) => {
    const h = startClient(t, { backoff });
    for (let i = 0; i < 3; i++) {
      h.fake.last.fail();
      h.tick(h.of('reconnecting').at(-1).delayMs);
    }
    h.fake.last.accept();
    h.tick(5_000);
    h.fake.last.drop();
    assert.deepEqual(h.of('reconnecting').at(-1), { attempt: 1, delayMs: 100, since: null });
  });

  test('a connection dropped before stableMs keeps growing the backoff', (t) => {
    const h = startClient(t, { backoff });
    for (let i = 0; i < 3; i++) {
      h.fake.last.accept();
      h.tick(4_999);
      h.fake.last.drop();
      h.tick(h.of('reconnecting').at(-1).delayMs);
    }
    assert.deepEqual(h.of('reconnecting').map((e) => e.attempt), [1, 2, 3]);
  });

  test('events tell the story of a drop: close (willReconnect), reconnecting, open', (t) => {
    const h = startClient(t, { backoff });
    h.fake.last.accept();
    h.fake.last.drop(1001, 'going away', true);
    h.tick(100);
    h.fake.last.accept();
    assert.deepEqual(
      h.events.map((e) => e.type),
      ['open', 'close', 'reconnecting', 'open'],
    );
    assert.deepEqual(h.of('close')[0], { code: 1001, reason: 'going away', wasClean: true, willReconnect: true });
    assert.equal(h.of('open')[0].protocol, 'hub.v1');
    assert.equal(h.client.state, 'open');
  });

  test('a socket that never opens is abandoned after connectTimeoutMs and retried', (t) => {
    const h = startClient(t, { backoff, connectTimeoutMs: 3_000 });
    h.tick(2_999);
    assert.equal(h.of('close').length, 0);
    h.tick(1);
    const [first] = h.fake.sockets;
    assert.equal(first.attached, false);
    assert.deepEqual(first.closeCalls, [{ code: 4000, reason: 'connect timeout' }]);
    assert.deepEqual(h.of('close'), [{ code: 1006, reason: 'connect timeout', wasClean: false, willReconnect: true }]);
    h.tick(100);
    assert.equal(h.fake.sockets.length, 2);
  });

  test('a WebSocket constructor that throws is reported and retried', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    let calls = 0;
    class Refusing {
      constructor() {
        calls += 1;
        throw new Error('SecurityError');
      }
    }
    const client = new HubRoomClient('ws://hub.test/chat', { WebSocket: Refusing, backoff, random: () => 0 });
    const errors = [];
    client.on('error', (e) => errors.push(e.message));
    await flushMicrotasks();
    assert.deepEqual(errors, ['cannot create WebSocket: SecurityError']);
    t.mock.timers.tick(100);
    assert.equal(calls, 2);
    client.close();
  });
});

describe('close()', () => {
  test('stops for good: closes the socket and never reconnects', (t) => {
    const h = startClient(t, { backoff });
    h.fake.last.accept();
    h.client.close(1000, 'bye');
    assert.deepEqual(h.fake.last.closeCalls, [{ code: 1000, reason: 'bye' }]);
    h.fake.last.drop(1000, 'bye', true);
    h.tick(60_000);
    assert.equal(h.fake.sockets.length, 1);
    assert.equal(h.client.state, 'closed');
    assert.deepEqual(h.of('close'), [{ code: 1000, reason: 'bye', wasClean: true, willReconnect: false }]);
    assert.equal(h.of('reconnecting').length, 0);
  });

  test('cancels a pending reconnect', (t) => {
    const h = startClient(t, { backoff });
    h.fake.last.fail();
    h.client.close();
    h.tick(60_000);
    assert.equal(h.fake.sockets.length, 1);
  });

  test('called from a close listener, prevents the reconnect that close would schedule', (t) => {
    const h = startClient(t, { backoff });
    h.client.once('close', () => h.client.close());
    h.fake.last.accept();
    h.fake.last.drop();
    h.tick(60_000);
    assert.equal(h.fake.sockets.length, 1);
    assert.equal(h.of('reconnecting').length, 0);
  });

  test('is idempotent', (t) => {
    const h = startClient(t, { backoff });
    h.client.close();
    h.client.close();
    assert.equal(h.of('close').length, 1);
  });
});
