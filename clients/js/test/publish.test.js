import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HubClientError } from '../src/index.js';
import { FakeRoom } from '../test-support/fake-room.js';
import { startClient } from '../test-support/harness.js';

const joined = { type: 'joined', room: 'chat', epoch: 'k7', offset: 0, position: 'k7:0', recovered: true, missed: 0, member: 'c-1' };
const backoff = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0, stableMs: 5_000 };

describe('publish', () => {
  test('sends a JSON publish command under hub.v1', (t) => {
    const h = startClient(t);
    h.fake.last.accept('hub.v1').receive(joined);
    assert.equal(h.client.publish('hello "you"'), true);
    assert.deepEqual(h.fake.last.sent, ['{"type":"publish","text":"hello \\"you\\""}']);
    assert.equal(h.client.protocol, 'hub.v1');
  });

  test('sends the bare text when no subprotocol was selected', (t) => {
    const h = startClient(t, { protocols: [] });
    // The server sends no `joined` to a plain client that does not resume: the socket is usable once open.
    h.fake.last.accept('');
    assert.equal(h.client.publish('{"type":"publish"} is just text here'), true);
    assert.deepEqual(h.fake.last.sent, ['{"type":"publish"} is just text here']);
    assert.deepEqual(h.fake.last.protocols, []);
    assert.equal(h.client.protocol, '');
  });

  test('without a subprotocol, publishes queued before the open go out at the open', (t) => {
    const room = new FakeRoom('chat');
    const h = startClient(t, { protocols: [] });
    h.client.publish('early');
    room.accept(h.fake.last);
    assert.deepEqual(h.fake.last.sent, ['early']);
    assert.deepEqual(h.of('message').map((m) => `${m.position}=${m.text}`), ['e1:1=early']);
  });

  test('without a subprotocol, a resuming connection still waits for joined (its replay comes first)', (t) => {
    const h = startClient(t, { protocols: [], since: 'k7:0' });
    h.fake.last.accept('');
    assert.equal(h.client.publish('after the replay'), false);
    assert.deepEqual(h.fake.last.sent, []);
    h.fake.last.receive(joined);
    assert.deepEqual(h.fake.last.sent, ['after the replay']);
  });

  test('queues until a connection has joined, then sends in order', (t) => {
    const h = startClient(t, { backoff });
    assert.equal(h.client.publish('one'), false);
    h.fake.last.fail();
    assert.equal(h.client.publish('two'), false);
    assert.equal(h.client.queued, 2);
    h.tick(100);
    h.fake.last.accept();
    assert.equal(h.client.publish('three'), false, 'open but not joined yet');
    assert.deepEqual(h.fake.last.sent, []);
    h.fake.last.receive(joined);
    assert.deepEqual(h.fake.last.sentJson.map((c) => c.text), ['one', 'two', 'three']);
    assert.equal(h.client.queued, 0);
  });

  test('queued messages reach the room as messages', (t) => {
    const room = new FakeRoom('chat');
    const h = startClient(t);
    h.client.publish('early');
    room.accept(h.fake.last);
    h.client.publish('late');
    assert.deepEqual(h.of('message').map((m) => `${m.position}=${m.text}`), ['e1:1=early', 'e1:2=late']);
  });

  test('throws queue-full beyond maxQueued', (t) => {
    const h = startClient(t, { maxQueued: 2 });
    h.client.publish('1');
    h.client.publish('2');
    assert.throws(() => h.client.publish('3'), (e) => e instanceof HubClientError && e.code === 'queue-full');
  });

  test('with maxQueued 0, throws disconnected instead of queueing', (t) => {
    const h = startClient(t, { maxQueued: 0 });
    assert.throws(() => h.client.publish('x'), (e) => e instanceof HubClientError && e.code === 'disconnected');
  });

  test('throws closed after close(), and close() drops the queue', (t) => {
    const h = startClient(t);
    h.client.publish('never sent');
    h.client.close();
    assert.equal(h.client.queued, 0);
    assert.throws(() => h.client.publish('x'), (e) => e instanceof HubClientError && e.code === 'closed');
  });

  test('rejects a non-string', (t) => {
    const h = startClient(t);
    assert.throws(() => h.client.publish(/** @type {any} */ (42)), TypeError);
  });
});

describe('publishAcked', () => {
  test('sends a publish with an id and resolves with the position the server answers', async (t) => {
    const h = startClient(t);
    h.fake.last.accept('hub.v1').receive(joined);
    const acked = h.client.publishAcked('hello');
    const [command] = h.fake.last.sentJson;
    assert.equal(command.type, 'publish');
    assert.equal(command.text, 'hello');
    assert.equal(typeof command.id, 'string');
    h.fake.last.receive({ type: 'published', id: command.id, room: 'chat', epoch: 'k7', offset: 1, position: 'k7:1' });
    assert.equal(await acked, 'k7:1');
  });

  test('rejects with publish-failed and the reason when the server could not sequence it', async (t) => {
    const h = startClient(t);
    h.fake.last.accept('hub.v1').receive(joined);
    const acked = h.client.publishAcked('lost?');
    h.fake.last.receive({ type: 'publish-failed', id: h.fake.last.sentJson[0].id, room: 'chat', reason: 'timeout' });
    await assert.rejects(acked, (e) => e instanceof HubClientError && e.code === 'publish-failed' && e.reason === 'timeout');
  });

  test('rejects pending acknowledgements as disconnected when the connection ends', async (t) => {
    const h = startClient(t, { backoff });
    h.fake.last.accept('hub.v1').receive(joined);
    const acked = h.client.publishAcked('in flight');
    h.fake.last.drop(1001, 'going away', true);
    await assert.rejects(acked, (e) => e instanceof HubClientError && e.code === 'disconnected');
  });

  test('is refused while not joined and after close()', async (t) => {
    const h = startClient(t);
    await assert.rejects(h.client.publishAcked('early'), (e) => e.code === 'disconnected');
    h.client.close();
    await assert.rejects(h.client.publishAcked('late'), (e) => e.code === 'closed');
  });

  test('is refused without the hub.v1 subprotocol', async (t) => {
    const h = startClient(t, { protocols: [] });
    h.fake.last.accept('');
    await assert.rejects(h.client.publishAcked('plain'), (e) => e.code === 'unsupported');
  });
});
