import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeRoom } from '../test-support/fake-room.js';
import { startClient } from '../test-support/harness.js';

const backoff = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0, stableMs: 5_000 };

/** @param {string} epoch @param {number} offset @param {string} text */
const message = (epoch, offset, text = `m${offset}`) => ({ type: 'message', room: 'chat', epoch, offset, position: `${epoch}:${offset}`, text });
/** @param {string} epoch @param {number} offset @param {object} [rest] */
const joined = (epoch, offset, rest = {}) => ({ type: 'joined', room: 'chat', epoch, offset, position: `${epoch}:${offset}`, recovered: true, missed: 0, member: 'c-1', ...rest });

describe('resume URL', () => {
  test('the first connection carries no since; the reconnect carries the last position seen', (t) => {
    const h = startClient(t, { backoff });
    assert.equal(h.fake.last.searchParams.get('since'), null);
    h.fake.last.accept().receive(joined('k7', 3)).receive(message('k7', 4)).receive(message('k7', 5));
    h.fake.last.drop();
    assert.equal(h.of('reconnecting')[0].since, 'k7:5');
    h.tick(100);
    assert.equal(h.fake.last.searchParams.get('since'), 'k7:5');
    assert.equal(h.client.position, 'k7:5');
  });

  test('since, user and presence merge with the query string already in the URL', (t) => {
    const h = startClient(t, { url: 'wss://hub.test/rooms/chat?token=abc&since=old:1#frag', since: 'k7:0', user: 'alice', presence: true });
    const url = new URL(h.fake.last.url);
    assert.equal(url.origin + url.pathname, 'wss://hub.test/rooms/chat');
    assert.deepEqual(Object.fromEntries(url.searchParams), { token: 'abc', since: 'k7:0', user: 'alice', presence: '1' });
    assert.equal(url.hash, '');
    assert.deepEqual(h.fake.last.protocols, ['hub.v1']);
  });

  test('without hub.v1 the URL asks for envelopes (endpoints such as /chat send plain text otherwise)', (t) => {
    const plain = startClient(t, { url: 'wss://hub.test/chat', protocols: [] });
    assert.equal(plain.fake.last.searchParams.get('envelope'), '1');
    assert.deepEqual(plain.fake.last.protocols, []);
  });

  test('with hub.v1 the URL carries no envelope argument: the subprotocol already asks for envelopes', (t) => {
    const v1 = startClient(t, { url: 'wss://hub.test/chat' });
    assert.equal(v1.fake.last.searchParams.get('envelope'), null);
  });

  test('http and https URLs are mapped to ws and wss', (t) => {
    const h = startClient(t, { url: 'https://hub.test/chat' });
    assert.equal(new URL(h.fake.last.url).protocol, 'wss:');
  });

  test('an invalid since option is a TypeError', (t) => {
    assert.throws(() => startClient(t, { since: 'nope' }), TypeError);
  });
});

describe('recovered and not recovered', () => {
  test('a resume the server recovers emits joined then recovered, and the replay continues from since', (t) => {
    const h = startClient(t, { since: 'k7:2' });
    h.fake.last.accept().receive(joined('k7', 4, { missed: 2 })).receive(message('k7', 3)).receive(message('k7', 4));
    assert.deepEqual(h.events.map((e) => e.type), ['open', 'joined', 'recovered', 'message', 'message']);
    assert.deepEqual(h.of('recovered'), [{ since: 'k7:2', position: 'k7:4', missed: 2 }]);
    assert.equal(h.of('joined')[0].resumed, true);
    assert.equal(h.of('notRecovered').length, 0, 'the replayed messages are no gap');
    assert.equal(h.client.position, 'k7:4');
  });

  test('a first connection without since emits joined but neither recovered nor notRecovered', (t) => {
    const h = startClient(t);
    h.fake.last.accept().receive(joined('k7', 9)).receive(message('k7', 10));
    assert.deepEqual(h.events.map((e) => e.type), ['open', 'joined', 'message']);
    assert.equal(h.of('joined')[0].resumed, false);
  });

  for (const reason of ['epoch-changed', 'too-old', 'ahead']) {
    test(`a joined frame with recovered false (${reason}) emits notRecovered and moves to the room's head`, (t) => {
      const h = startClient(t, { since: 'k7:2' });
      h.fake.last.accept().receive(joined('p0', 8, { recovered: false, reason })).receive(message('p0', 9));
      assert.deepEqual(h.of('notRecovered'), [{ cause: 'joined', reason, since: 'k7:2', position: 'p0:8' }]);
      assert.equal(h.of('joined')[0].reason, reason);
      assert.equal(h.of('message').length, 1);
      assert.equal(h.client.position, 'p0:9');
    });
  }

  test('a reset frame emits notRecovered and messages continue in the new epoch', (t) => {
    const h = startClient(t);
    h.fake.last.accept().receive(joined('k7', 1)).receive(message('k7', 2));
    h.fake.last.receive({ type: 'reset', room: 'chat', epoch: 'p0', position: 'p0:0', recovered: false, reason: 'epoch-changed' });
    h.fake.last.receive(message('p0', 1));
    assert.deepEqual(h.of('notRecovered'), [{ cause: 'reset', reason: 'epoch-changed', since: 'k7:2', position: 'p0:0' }]);
    assert.equal(h.client.position, 'p0:1');
  });
});

describe('client-side gap detection', () => {
  test('an offset that skips ahead is announced as a gap before the message', (t) => {
    const h = startClient(t);
    h.fake.last.accept().receive(joined('k7', 1)).receive(message('k7', 2)).receive(message('k7', 5));
    assert.deepEqual(h.events.slice(-2).map((e) => e.type), ['notRecovered', 'message']);
    assert.deepEqual(h.of('notRecovered'), [{ cause: 'gap', reason: 'gap', since: 'k7:2', position: 'k7:5' }]);
    assert.equal(h.client.position, 'k7:5');
  });

  test('a repeated or backwards offset is a gap too', (t) => {
    const h = startClient(t);
    h.fake.last.accept().receive(joined('k7', 1)).receive(message('k7', 2)).receive(message('k7', 2));
    assert.deepEqual(h.of('notRecovered'), [{ cause: 'gap', reason: 'gap', since: 'k7:2', position: 'k7:2' }]);
  });

  test('a message in another epoch without a reset is announced as epoch-changed', (t) => {
    const h = startClient(t);
    h.fake.last.accept().receive(joined('k7', 1)).receive(message('p0', 1));
    assert.deepEqual(h.of('notRecovered'), [{ cause: 'gap', reason: 'epoch-changed', since: 'k7:1', position: 'p0:1' }]);
  });

  test('a replay shorter than the joined frame announced is detected when live messages resume', (t) => {
    const h = startClient(t, { since: 'k7:2' });
    h.fake.last.accept().receive(joined('k7', 4, { missed: 2 })).receive(message('k7', 3)).receive(message('k7', 5));
    assert.deepEqual(h.of('notRecovered'), [{ cause: 'gap', reason: 'gap', since: 'k7:3', position: 'k7:5' }]);
  });
});

describe('against a fake room', () => {
  test('a client that reconnects gets exactly the messages it missed', (t) => {
    const room = new FakeRoom('chat');
    const h = startClient(t, { backoff });
    room.accept(h.fake.last);
    room.publish('a');
    room.publish('b');
    h.fake.last.drop();
    room.publish('c');
    room.publish('d');
    h.tick(100);
    room.accept(h.fake.last);
    room.publish('e');
    assert.deepEqual(h.of('message').map((m) => `${m.position}=${m.text}`), ['e1:1=a', 'e1:2=b', 'e1:3=c', 'e1:4=d', 'e1:5=e']);
    assert.deepEqual(h.of('recovered'), [{ since: 'e1:2', position: 'e1:4', missed: 2 }]);
    assert.equal(h.of('notRecovered').length, 0);
  });

  test('a client away longer than the retained history is told too-old', (t) => {
    const room = new FakeRoom('chat', { retain: 2 });
    const h = startClient(t, { backoff });
    room.accept(h.fake.last);
    room.publish('a');
    h.fake.last.drop();
    for (const text of ['b', 'c', 'd']) room.publish(text);
    h.tick(100);
    room.accept(h.fake.last);
    room.publish('e');
    assert.deepEqual(h.of('notRecovered'), [{ cause: 'joined', reason: 'too-old', since: 'e1:1', position: 'e1:4' }]);
    assert.deepEqual(h.of('message').map((m) => m.text), ['a', 'e']);
  });

  test('a room that lost its owner while the client was away reports epoch-changed on resume', (t) => {
    const room = new FakeRoom('chat');
    const h = startClient(t, { backoff });
    room.accept(h.fake.last);
    room.publish('a');
    h.fake.last.drop();
    room.crash();
    room.publish('b');
    h.tick(100);
    room.accept(h.fake.last);
    room.publish('c');
    assert.deepEqual(h.of('notRecovered'), [{ cause: 'joined', reason: 'epoch-changed', since: 'e1:1', position: 'e2:1' }]);
    assert.equal(h.client.position, 'e2:2');
  });

  test('a room that loses its owner while connected sends reset, and the next resume uses the new epoch', (t) => {
    const room = new FakeRoom('chat');
    const h = startClient(t, { backoff });
    room.accept(h.fake.last);
    room.publish('a');
    room.crash();
    room.publish('b');
    h.fake.last.drop();
    h.tick(100);
    assert.equal(h.fake.last.searchParams.get('since'), 'e2:1');
    room.accept(h.fake.last);
    assert.deepEqual(h.of('recovered'), [{ since: 'e2:1', position: 'e2:1', missed: 0 }]);
  });
});
