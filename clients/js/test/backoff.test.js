import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, DEFAULT_BACKOFF } from '../src/index.js';
import { resolveBackoff } from '../src/backoff.js';

const exact = { ...DEFAULT_BACKOFF, initialMs: 100, maxMs: 5_000, factor: 2, jitter: 0 };

describe('backoffDelay', () => {
  test('grows by the factor with each attempt', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, exact));
    assert.deepEqual(delays, [100, 200, 400, 800, 1600]);
  });

  test('is capped at maxMs however many attempts failed', () => {
    assert.equal(backoffDelay(7, exact), 5_000);
    assert.equal(backoffDelay(1_000, exact), 5_000);
  });

  test('full jitter spans zero up to the ceiling', () => {
    const full = { ...exact, jitter: 1 };
    assert.equal(backoffDelay(3, full, () => 0), 400);
    assert.equal(backoffDelay(3, full, () => 0.999999), 0);
    assert.equal(backoffDelay(3, full, () => 0.5), 200);
  });

  test('jitter keeps every delay within [ceiling * (1 - jitter), ceiling]', () => {
    const options = { ...exact, jitter: 0.3 };
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(exact.maxMs, exact.initialMs * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(attempt, options, random);
        assert.ok(delay >= Math.floor(ceiling * 0.7) && delay <= ceiling, `attempt ${attempt}: ${delay} of ${ceiling}`);
      }
    }
  });

  test('rejects options that cannot make a schedule', () => {
    assert.throws(() => resolveBackoff({ initialMs: 10, maxMs: 5 }), RangeError);
    assert.throws(() => resolveBackoff({ factor: 0.5 }), RangeError);
    assert.throws(() => resolveBackoff({ jitter: 1.5 }), RangeError);
    assert.deepEqual(resolveBackoff({ initialMs: 1 }), { ...DEFAULT_BACKOFF, initialMs: 1 });
  });
});
