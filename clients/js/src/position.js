/**
 * Room positions (docs/rooms-protocol.md): `epoch:offset`, where `epoch` is an opaque string of letters and
 * digits (never `:`) and `offset` counts the epoch's messages from 1 (0 = before the first message).
 */

/**
 * @typedef {object} Position
 * @property {string} epoch  opaque; offsets are only comparable within one epoch
 * @property {number} offset 0 = before the first message of the epoch
 */

const EPOCH = /^[A-Za-z0-9]+$/;

/**
 * Parses `epoch:offset`. Returns `null` for anything else, so callers decide whether that is a caller's mistake
 * (a bad `since` option: TypeError) or a server's (a malformed frame: an `error` event).
 * @param {unknown} value
 * @returns {Position | null}
 */
export function parsePosition(value) {
  if (typeof value !== 'string') return null;
  const colon = value.lastIndexOf(':');
  if (colon <= 0) return null;
  const epoch = value.slice(0, colon);
  const digits = value.slice(colon + 1);
  if (!EPOCH.test(epoch) || !/^[0-9]+$/.test(digits)) return null;
  const offset = Number(digits);
  return Number.isSafeInteger(offset) ? { epoch, offset } : null;
}

/**
 * @param {Position} position
 * @returns {string}
 */
export function formatPosition(position) {
  return `${position.epoch}:${position.offset}`;
}

/**
 * Reads the epoch and offset of a server frame, preferring the separate fields and falling back to `position`
 * (the `reset` frame carries only `epoch` and `position`).
 * @param {Record<string, unknown>} frame
 * @returns {Position | null}
 */
export function framePosition(frame) {
  const { epoch, offset } = frame;
  if (typeof epoch === 'string' && EPOCH.test(epoch) && Number.isSafeInteger(offset) && /** @type {number} */ (offset) >= 0) {
    return { epoch, offset: /** @type {number} */ (offset) };
  }
  const parsed = parsePosition(frame.position);
  if (parsed === null) return null;
  // A frame whose fields disagree with its `position` string is malformed, not something to guess about.
  if (epoch !== undefined && epoch !== parsed.epoch) return null;
  return parsed;
}
