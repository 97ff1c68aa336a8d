import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HubRoomClient } from '../src/index.js';
import { startClient } from '../test-support/harness.js';

const joined = { type: 'joined', room: 'chat', epoch: 'k7', offset: 0, position: 'k7:0', recovered: true, missed: 0, member: 'c-1' };

describe('frames', () => {
  const malformed = [
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
    ['an object without type', '{"room":"chat"}'],
    ['a message without a position', '{"type":"message","text":"x"}'],
    ['a message with offset 0', '{"type":"message","epoch":"k7","offset":0,"text":"x"}'],
    ['a message with neither text nor binary', '{"type":"message","epoch":"k7","offset":1}'],
    ['a message with invalid base64', '{"type":"message","epoch":"k7","offset":1,"binary":"!!"}'],
    ['a message whose epoch disagrees with its position', '{"type":"message","epoch":"zz","position":"k7:1","text":"x"}'],
    ['a joined frame without recovered', '{"type":"joined","epoch":"k7","offset":0}'],
    ['a reset frame without a position', '{"type":"reset","reason":"epoch-changed"}'],
    ['a presence frame with an unknown event', '{"type":"presence","event":"wave","member":"c-1"}'],
    ['a binary frame', new ArrayBuffer(4)],
  ];
  for (const [name, data] of malformed) {
    test(`${name} is an error event, and the client keeps going`, (t) => {
      const h = startClient(t);
      h.fake.last.accept().receive(joined).receive(data);
      h.fake.last.receive({ type: 'message', room: 'chat', epoch: 'k7', offset: 1, position: 'k7:1', text: 'after' });
      const errors = h.of('error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0].kind, 'frame');
      assert.equal(errors[0].data, data);
      assert.equal(h.of('message')[0].text, 'after');
      assert.equal(h.client.position, 'k7:1', 'a malformed frame does not move the position');
      assert.equal(h.client.state, 'open');
    });
  }

  test('unknown frame types are ignored for forward compatibility', (t) => {
    const h = startClient(t);
    h.fake.last.accept().receive(joined).receive({ type: 'stats', subscribers: 3 });
    assert.deepEqual(h.events.map((e) => e.type), ['open', 'joined']);
  });

  test('binary messages are decoded from base64', (t) => {
    const h = startClient(t);
    h.fake.last.accept().receive(joined).receive({ type: 'message', room: 'chat', epoch: 'k7', offset: 1, position: 'k7:1', binary: 'AAEC/w==' });
    const [m] = h.of('message');
    assert.deepEqual([...m.binary], [0, 1, 2, 255]);
    assert.equal(m.text, null);
  });

  test('joined and presence frames are surfaced with their fields', (t) => {
    const h = startClient(t, { presence: true });
    h.fake.last.accept().receive({ ...joined, member: 'c-2f9a1' });
    h.fake.last.receive({ type: 'presence', room: 'chat', event: 'join', member: 'c-2f9a1', user: 'alice', node: 'akka.tcp://hub@127.0.0.1:4053' });
    assert.deepEqual(h.of('joined'), [{ room: 'chat', position: 'k7:0', epoch: 'k7', offset: 0, member: 'c-2f9a1', resumed: false, recovered: true, missed: 0, reason: null }]);
    assert.deepEqual(h.of('presence'), [{ room: 'chat', event: 'join', member: 'c-2f9a1', user: 'alice', node: 'akka.tcp://hub@127.0.0.1:4053' }]);
  });

  test('a listener that throws is reported as an error event and does not stop other listeners', (t) => {
    const h = startClient(t);
    const seen = [];
    h.client.on('message', () => {
      throw new Error('boom');
    });
    h.client.on('message', (m) => seen.push(m.text));
    h.fake.last.accept().receive(joined).receive({ type: 'message', epoch: 'k7', offset: 1, text: 'x' });
    assert.deepEqual(seen, ['x']);
    const [error] = h.of('error');
    assert.equal(error.kind, 'listener');
    assert.equal(error.error.message, 'boom');
  });

  test('off and the function returned by on remove a listener', (t) => {
    const h = startClient(t);
    let calls = 0;
    const listener = () => calls++;
    const unsubscribe = h.client.on('open', listener);
    unsubscribe();
    h.client.on('joined', listener);
    h.client.off('joined', listener);
    h.fake.last.accept().receive(joined);
    assert.equal(calls, 0);
  });

  test('without a WebSocket implementation the constructor says how to pass one', () => {
    assert.throws(() => new HubRoomClient('ws://hub.test/chat', { WebSocket: null }), /options\.WebSocket/);
  });
});
