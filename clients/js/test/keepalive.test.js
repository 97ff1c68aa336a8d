import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeRoom } from '../test-support/fake-room.js';
import { startClient } from '../test-support/harness.js';

const backoff = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0, stableMs: 5_000 };
const keepalive = { intervalMs: 1_000, timeoutMs: 300 };

describe('keepalive', () => {
  test('sends a ping every intervalMs under hub.v1', (t) => {
    const h = startClient(t, { keepalive });
    h.fake.last.accept();
    h.tick(999);
    assert.deepEqual(h.fake.last.sent, []);
    h.tick(1);
    h.fake.last.receive({ type: 'pong' });
    h.tick(1_000);
    h.fake.last.receive({ type: 'pong' });
    assert.deepEqual(h.fake.last.sentJson, [{ type: 'ping' }, { type: 'ping' }]);
    assert.equal(h.of('close').length, 0);
  });

  test('a ping with no frame back within timeoutMs abandons the socket and reconnects', (t) => {
    const h = startClient(t, { keepalive, backoff });
    const first = h.fake.last.accept();
    h.tick(1_000);
    h.tick(299);
    assert.equal(h.of('close').length, 0);
    h.tick(1);
    assert.equal(first.attached, false, 'the dead socket is detached at once');
    assert.deepEqual(first.closeCalls, [{ code: 4000, reason: 'keepalive timeout' }]);
    assert.deepEqual(h.of('close'), [{ code: 1006, reason: 'keepalive timeout', wasClean: false, willReconnect: true }]);
    h.tick(100);
    assert.equal(h.fake.sockets.length, 2);
    h.tick(10_000);
    assert.equal(first.sent.length, 1, 'no more pings on the abandoned socket');
  });

  // Ticks stop at each timer: Node 20's mock timers schedule a timer set inside a tick from the tick's end.
  test('any frame, not only pong, answers a ping', (t) => {
    const h = startClient(t, { keepalive });
    h.fake.last.accept();
    h.tick(1_000);
    h.fake.last.receive({ type: 'presence', room: 'chat', event: 'join', member: 'c-9' });
    h.tick(299);
    h.tick(1);
    assert.equal(h.of('close').length, 0);
  });

  test('against a fake room, pings are answered and the connection stays up', (t) => {
    const room = new FakeRoom('chat');
    const h = startClient(t, { keepalive });
    room.accept(h.fake.last);
    h.tick(10_000);
    assert.equal(h.fake.last.sent.length, 10);
    assert.equal(h.of('close').length, 0);
  });

  test('is off without the hub.v1 subprotocol: a ping would be published as text', (t) => {
    const h = startClient(t, { keepalive, protocols: [] });
    h.fake.last.accept();
    h.tick(10_000);
    assert.deepEqual(h.fake.last.sent, []);
    assert.equal(h.of('close').length, 0);
  });

  test('is off when the server did not select hub.v1 even though it was offered', (t) => {
    const h = startClient(t, { keepalive });
    h.fake.last.accept('');
    h.tick(10_000);
    assert.deepEqual(h.fake.last.sent, []);
  });
});
