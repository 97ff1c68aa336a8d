/**
 * Reconnect delays: capped exponential backoff with jitter, so that clients dropped together by one server
 * restart do not all come back in the same instant.
 */

/**
 * @typedef {object} BackoffOptions
 * @property {number} initialMs first delay before jitter (attempt 1)
 * @property {number} maxMs     cap on the delay before jitter
 * @property {number} factor    growth per attempt (>= 1)
 * @property {number} jitter    fraction of the delay that is random, 0..1: 0 = exact delays, 1 = "full jitter"
 *                              (uniform in [0, delay]), 0.5 = uniform in [delay/2, delay]
 * @property {number} stableMs  a connection open this long resets the attempt count
 */

/** @type {Readonly<BackoffOptions>} */
export const DEFAULT_BACKOFF = Object.freeze({
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.5,
  stableMs: 10_000,
});

/**
 * Delay before reconnect attempt `attempt` (1 = the first retry after a connection was lost or failed):
 * `min(maxMs, initialMs * factor^(attempt-1))`, of which the fraction `jitter` is replaced by a uniform random amount.
 * @param {number} attempt 1-based
 * @param {BackoffOptions} options
 * @param {() => number} [random] uniform in [0, 1), e.g. Math.random
 * @returns {number} milliseconds, in [ceiling * (1 - jitter), ceiling]
 */
export function backoffDelay(attempt, options, random = Math.random) {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(options.maxMs, options.initialMs * options.factor ** exponent);
  return Math.round(ceiling * (1 - options.jitter * random()));
}

/**
 * Validates and fills in user-supplied backoff options.
 * @param {Partial<BackoffOptions> | undefined} options
 * @returns {BackoffOptions}
 */
export function resolveBackoff(options) {
  const resolved = { ...DEFAULT_BACKOFF, ...options };
  const { initialMs, maxMs, factor, jitter, stableMs } = resolved;
  if (!(initialMs >= 0) || !(maxMs >= initialMs)) throw new RangeError('backoff: need 0 <= initialMs <= maxMs');
  if (!(factor >= 1)) throw new RangeError('backoff: factor must be >= 1');
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError('backoff: jitter must be within 0..1');
  if (!(stableMs >= 0)) throw new RangeError('backoff: stableMs must be >= 0');
  return resolved;
}
