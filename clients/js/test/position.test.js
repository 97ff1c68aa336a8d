import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPosition, parsePosition } from '../src/index.js';

test('parses epoch:offset and formats it back', () => {
  assert.deepEqual(parsePosition('k7f3q2:17'), { epoch: 'k7f3q2', offset: 17 });
  assert.deepEqual(parsePosition('k7f3q2:0'), { epoch: 'k7f3q2', offset: 0 });
  assert.equal(formatPosition({ epoch: 'k7f3q2', offset: 17 }), 'k7f3q2:17');
});

test('rejects strings that are not a position', () => {
  for (const value of ['', 'k7f3q2', ':17', 'k7f3q2:', 'k7f3q2:-1', 'k7f3q2:1.5', 'k7:f3:1', 'k7f3q2:99999999999999999', 17, null]) {
    assert.equal(parsePosition(value), null, String(value));
  }
});
