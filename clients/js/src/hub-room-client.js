/**
 * A reconnecting, resuming client for one Hub room WebSocket endpoint (docs/rooms-protocol.md).
 */
import { backoffDelay, resolveBackoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { formatPosition, framePosition, parsePosition } from './position.js';

/** @typedef {import('./position.js').Position} Position */
/** @typedef {import('./backoff.js').BackoffOptions} BackoffOptions */

/** The subprotocol whose text frames are JSON commands (publish, ping). */
export const HUB_V1 = 'hub.v1';

/** WebSocket.OPEN; read from the constant, not the implementation, so minimal fakes and polyfills work. */
const OPEN = 1;

/** Close code the client sends when it gives up on a socket itself (keepalive or connect timeout). */
const GIVE_UP_CODE = 4000;

/** Reported for a socket the client abandoned: like the browser's 1006, no close frame was received. */
const ABNORMAL_CLOSURE = 1006;

/**
 * @typedef {object} KeepaliveOptions
 * @property {number} intervalMs send `{"type":"ping"}` this often (hub.v1 only); 0 disables keepalive
 * @property {number} timeoutMs  after a ping, a connection that delivers no frame within this is declared dead
 */

/**
 * @typedef {object} HubRoomClientOptions
 * @property {any} [WebSocket]       WebSocket constructor; default `globalThis.WebSocket`
 * @property {string[]} [protocols]  subprotocols offered; default `['hub.v1']`, `[]` for the raw text protocol
 * @property {Partial<BackoffOptions>} [backoff]
 * @property {Partial<KeepaliveOptions>} [keepalive]
 * @property {number} [connectTimeoutMs] a socket not open after this is abandoned and retried; default 15000
 * @property {string} [since]        initial position `epoch:offset` to resume from
 * @property {string} [user]         sent as `?user=`
 * @property {boolean} [presence]    sent as `?presence=1`: deliver presence events
 * @property {number} [maxQueued]    publishes kept while disconnected; 0 = publish throws when disconnected;
 *                                   default 1000
 * @property {() => number} [random] uniform in [0, 1) for the backoff jitter; default Math.random
 */

const DEFAULT_KEEPALIVE = Object.freeze({ intervalMs: 25_000, timeoutMs: 10_000 });

/** Error thrown by `publish` (and carried by `error` events of kind `socket`). */
export class HubClientError extends Error {
  /**
   * @param {'closed' | 'disconnected' | 'queue-full' | 'unsupported' | 'publish-failed'} code
   * @param {string} message
   * @param {string | null} [reason] the server's `reason` of a `publish-failed` (`timeout`, `too-large`)
   */
  constructor(code, message, reason = null) {
    super(message);
    this.name = 'HubClientError';
    this.code = code;
    this.reason = reason;
  }
}

/**
 * @typedef {'connecting' | 'open' | 'waiting' | 'closed'} ClientState
 * `waiting` = between a lost connection and the next attempt.
 */

/**
 * @extends {Emitter<import('../index.js').HubRoomClientEventMap>}
 */
export class HubRoomClient extends Emitter {
  /** @type {URL} */ #url;
  /** @type {any} */ #WebSocket;
  /** @type {string[]} */ #protocols;
  /** @type {BackoffOptions} */ #backoff;
  /** @type {KeepaliveOptions} */ #keepalive;
  /** @type {number} */ #connectTimeoutMs;
  /** @type {number} */ #maxQueued;
  /** @type {() => number} */ #random;

  /** @type {ClientState} */ #state = 'connecting';
  /** @type {any} */ #socket = null;
  /** Consecutive attempts since the last stable connection; 0 = none failed. */
  #attempt = 0;
  /** Last position seen (or the resume point): what the next connection sends as `since`. @type {Position | null} */
  #position = null;
  /** The `since` the current connection was opened with. @type {Position | null} */
  #connectionSince = null;
  /** @type {string[]} */ #queue = [];
  /** Acknowledged publishes of the current connection waiting for their answer, by id.
   * @type {Map<string, { resolve: (position: string) => void, reject: (error: HubClientError) => void }>} */
  #acks = new Map();
  #nextAckId = 0;
  /** The current connection received `joined`: publishes go straight out. */
  #joined = false;

  /** @type {ReturnType<typeof setTimeout> | undefined} */ #reconnectTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #connectTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #stableTimer;
  /** @type {ReturnType<typeof setInterval> | undefined} */ #pingTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #pongDeadline;

  /**
   * Starts connecting at once (like `new WebSocket`); every event is delivered asynchronously, so listeners
   * added right after construction see them all.
   * @param {string | URL} url ws:, wss:, http: or https: (mapped to ws/wss); relative URLs resolve against
   *                           `location` in browsers
   * @param {HubRoomClientOptions} [options]
   */
  constructor(url, options = {}) {
    super();
    this.#url = resolveUrl(url);
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('No WebSocket implementation: pass options.WebSocket (Node < 22 has no global WebSocket)');
    }
    this.#protocols = [...(options.protocols ?? [HUB_V1])];
    this.#backoff = resolveBackoff(options.backoff);
    this.#keepalive = { ...DEFAULT_KEEPALIVE, ...options.keepalive };
    if (!(this.#keepalive.intervalMs >= 0) || !(this.#keepalive.timeoutMs > 0)) {
      throw new RangeError('keepalive: need intervalMs >= 0 and timeoutMs > 0');
    }
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.#maxQueued = options.maxQueued ?? 1000;
    this.#random = options.random ?? Math.random;
    if (options.since !== undefined) {
      this.#position = parsePosition(options.since);
      if (this.#position === null) throw new TypeError(`since: expected 'epoch:offset', got ${JSON.stringify(options.since)}`);
    }
    if (options.user !== undefined) this.#url.searchParams.set('user', options.user);
    if (options.presence) this.#url.searchParams.set('presence', '1');
    this.#connect();
  }

  /** @returns {ClientState} */
  get state() {
    return this.#state;
  }

  /** The last position seen (`epoch:offset`), which the next reconnect resumes from; null before any. */
  get position() {
    return this.#position && formatPosition(this.#position);
  }

  /** The subprotocol of the open connection (`'hub.v1'` or `''`), or null when not connected. */
  get protocol() {
    return this.#state === 'open' ? this.#socket.protocol ?? '' : null;
  }

  /** Publishes waiting for a connection. */
  get queued() {
    return this.#queue.length;
  }

  /**
   * Publishes a text message to the room: `{"type":"publish","text":…}` under hub.v1, the bare text otherwise.
   * Until the connection has joined the room (disconnected, connecting, or open before `joined`) the text is
   * queued (up to `maxQueued`) and sent, in order, right after the next `joined` — so it is published after this
   * client's own position and comes back to it as a `message`. (Without a subprotocol, a connection that does not
   * resume gets no `joined`: it counts as joined once open.) Delivery is at most once: a queued or sent message can
   * be lost with the connection.
   * @param {string} text
   * @returns {boolean} true if sent now, false if queued
   * @throws {HubClientError} `closed` after close(); `disconnected` when maxQueued is 0; `queue-full`
   */
  publish(text) {
    if (typeof text !== 'string') throw new TypeError('publish: text must be a string');
    if (this.#state === 'closed') throw new HubClientError('closed', 'publish after close()');
    if (this.#joined) {
      this.#send(this.#publishFrame(text));
      return true;
    }
    if (this.#maxQueued === 0) throw new HubClientError('disconnected', 'publish while disconnected');
    if (this.#queue.length >= this.#maxQueued) {
      throw new HubClientError('queue-full', `publish: ${this.#maxQueued} messages already wait for a connection`);
    }
    this.#queue.push(text);
    return false;
  }

  /**
   * Acknowledged publishing (hub.v1 only): sends `{"type":"publish","text":…,"id":…}` and resolves with the position
   * (`epoch:offset`) the room's owner gave the message, or rejects with a `HubClientError`: `publish-failed` (with
   * the server's `reason`: `timeout` when no position came within the server's publish timeout — the message may
   * still be delivered late, so a retry can duplicate it — or `too-large`), `disconnected` (not joined now, or the
   * connection ended before the answer: delivery unknown), `unsupported` (no hub.v1), `closed`. Never queued.
   * @param {string} text
   * @returns {Promise<string>}
   */
  publishAcked(text) {
    if (typeof text !== 'string') return Promise.reject(new TypeError('publishAcked: text must be a string'));
    if (this.#state === 'closed') return Promise.reject(new HubClientError('closed', 'publishAcked after close()'));
    if (!this.#joined) return Promise.reject(new HubClientError('disconnected', 'publishAcked while not joined'));
    if (this.#socket.protocol !== HUB_V1) {
      return Promise.reject(new HubClientError('unsupported', 'publishAcked needs the hub.v1 subprotocol'));
    }
    const id = `a${++this.#nextAckId}`;
    return new Promise((resolve, reject) => {
      this.#acks.set(id, { resolve, reject });
      this.#send(JSON.stringify({ type: 'publish', text, id }));
    });
  }

  /**
   * Closes for good: no reconnect; queued publishes are dropped. Emits `close` with `willReconnect: false`.
   * @param {number} [code]
   * @param {string} [reason]
   */
  close(code = 1000, reason = '') {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#reconnectTimer);
    this.#queue = [];
    const socket = this.#socket;
    this.#teardown();
    if (socket) {
      try {
        socket.close(code, reason);
      } catch {
        // Already closing, or an invalid code from the caller: the socket is detached either way.
      }
    }
    this.emit('close', { code, reason, wasClean: true, willReconnect: false });
  }

  #connect() {
    this.#state = 'connecting';
    this.#connectionSince = this.#position;
    const url = new URL(this.#url);
    if (this.#position) url.searchParams.set('since', formatPosition(this.#position));
    // Endpoints such as the demo's /chat send plain text unless asked: without hub.v1, ask for envelopes explicitly.
    if (!this.#protocols.includes(HUB_V1)) url.searchParams.set('envelope', '1');
    let socket;
    try {
      socket = new this.#WebSocket(url.href, this.#protocols);
    } catch (error) {
      // e.g. a SecurityError; reported asynchronously, like every other event, and retried with backoff.
      queueMicrotask(() => {
        if (this.#state !== 'connecting' || this.#socket !== null) return;
        this.emit('error', { kind: 'socket', message: `cannot create WebSocket: ${describe(error)}`, error });
        this.#scheduleReconnect();
      });
      return;
    }
    this.#socket = socket;
    socket.onopen = () => this.#onOpen();
    socket.onmessage = (/** @type {{ data: unknown }} */ event) => this.#onFrame(event.data);
    socket.onerror = (/** @type {unknown} */ event) =>
      this.emit('error', { kind: 'socket', message: 'WebSocket error', error: event });
    socket.onclose = (/** @type {{ code: number, reason: string, wasClean: boolean }} */ event) =>
      this.#onClose(event.code, event.reason, event.wasClean);
    if (this.#connectTimeoutMs > 0) {
      this.#connectTimer = setTimeout(() => this.#abandon('connect timeout'), this.#connectTimeoutMs);
    }
  }

  #onOpen() {
    clearTimeout(this.#connectTimer);
    this.#state = 'open';
    const protocol = this.#socket.protocol ?? '';
    this.emit('open', {
      url: String(this.#socket.url ?? ''),
      protocol,
      since: this.#connectionSince && formatPosition(this.#connectionSince),
    });
    if (this.#state !== 'open') return; // a listener called close()
    // Only a connection that stays up resets the backoff: a server that accepts and drops at once must not be
    // hammered at the initial delay.
    this.#stableTimer = setTimeout(() => (this.#attempt = 0), this.#backoff.stableMs);
    // Keepalive needs hub.v1: on the raw protocol a ping would be published as chat text.
    if (protocol === HUB_V1 && this.#keepalive.intervalMs > 0) {
      this.#pingTimer = setInterval(() => this.#ping(), this.#keepalive.intervalMs);
    }
    // The server sends `joined` only under hub.v1 or when resuming (docs/rooms-protocol.md): a plain client that
    // does not resume gets message frames only, so waiting for `joined` would keep its publishes queued forever.
    // The server handles frames that arrive before its join completed after it, so sending now keeps the order.
    if (protocol !== HUB_V1 && this.#connectionSince === null) this.#flushQueue();
  }

  #ping() {
    this.#send(JSON.stringify({ type: 'ping' }));
    // Any frame proves the connection alive, so the deadline runs from the oldest unanswered ping.
    this.#pongDeadline ??= setTimeout(() => this.#abandon('keepalive timeout'), this.#keepalive.timeoutMs);
  }

  /** @param {unknown} data */
  #onFrame(data) {
    clearTimeout(this.#pongDeadline);
    this.#pongDeadline = undefined;
    if (typeof data !== 'string') {
      this.#malformed('binary frame (the room protocol sends text frames only)', data);
      return;
    }
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (error) {
      this.#malformed(`frame is not JSON: ${describe(error)}`, data);
      return;
    }
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame) || typeof frame.type !== 'string') {
      this.#malformed('frame is not an object with a string "type"', data);
      return;
    }
    switch (frame.type) {
      case 'joined':
        this.#onJoined(frame, data);
        break;
      case 'message':
        this.#onMessage(frame, data);
        break;
      case 'reset':
        this.#onReset(frame, data);
        break;
      case 'presence':
        this.#onPresence(frame, data);
        break;
      case 'pong':
        break;
      case 'published':
      case 'publish-failed':
        this.#onPublishAnswer(frame);
        break;
      default:
        // Unknown types are ignored so that a newer server can add frames without breaking this client.
        break;
    }
  }

  /**
   * @param {Record<string, any>} frame
   * @param {string} data
   */
  #onJoined(frame, data) {
    const head = framePosition(frame);
    if (head === null || typeof frame.recovered !== 'boolean') {
      this.#malformed('joined frame without a valid position or "recovered"', data);
      return;
    }
    const since = this.#connectionSince;
    const missed = Number.isSafeInteger(frame.missed) ? frame.missed : 0;
    // The head is where live messages continue — except after a successful resume, where the `missed` replayed
    // messages after `since` come first: the position stays at `since` and advances with each of them.
    if (!since || !frame.recovered) this.#position = head;
    this.emit('joined', {
      room: String(frame.room ?? ''),
      position: formatPosition(head),
      epoch: head.epoch,
      offset: head.offset,
      member: typeof frame.member === 'string' ? frame.member : null,
      resumed: since !== null,
      recovered: frame.recovered,
      missed,
      reason: frame.recovered ? null : String(frame.reason ?? 'unknown'),
    });
    if (since && frame.recovered) {
      this.emit('recovered', { since: formatPosition(since), position: formatPosition(head), missed });
    } else if (since) {
      this.emit('notRecovered', {
        cause: 'joined',
        reason: String(frame.reason ?? 'unknown'),
        since: formatPosition(since),
        position: formatPosition(head),
      });
    }
    if (this.#socket === null || this.#joined) return; // a listener closed the client, or a repeated joined
    this.#flushQueue();
  }

  /** @param {Record<string, any>} frame a `published` or `publish-failed` answer to an acknowledged publish */
  #onPublishAnswer(frame) {
    const pending = typeof frame.id === 'string' ? this.#acks.get(frame.id) : undefined;
    if (!pending) return; // not ours (another client library on the same socket) or already settled
    this.#acks.delete(frame.id);
    const position = framePosition(frame);
    if (frame.type === 'published' && position !== null) pending.resolve(formatPosition(position));
    else {
      const reason = String(frame.reason ?? 'unknown');
      pending.reject(new HubClientError('publish-failed', `publish not acknowledged: ${reason}`, reason));
    }
  }

  /** The connection has joined the room: queued publishes go out, in order, and later ones go straight out. */
  #flushQueue() {
    this.#joined = true;
    const queued = this.#queue;
    this.#queue = [];
    for (const text of queued) this.#send(this.#publishFrame(text));
  }

  /**
   * @param {Record<string, any>} frame
   * @param {string} data
   */
  #onMessage(frame, data) {
    const position = framePosition(frame);
    const hasText = typeof frame.text === 'string';
    const hasBinary = typeof frame.binary === 'string';
    if (position === null || position.offset < 1 || hasText === hasBinary) {
      this.#malformed('message frame without a valid position, or without exactly one of "text" and "binary"', data);
      return;
    }
    /** @type {Uint8Array | null} */
    let binary = null;
    if (hasBinary) {
      binary = decodeBase64(frame.binary);
      if (binary === null) {
        this.#malformed('message frame with invalid base64 in "binary"', data);
        return;
      }
    }
    // Client-side check of the protocol's promise (offsets +1 within an epoch): announced before the message, so
    // a listener can discard its state and then apply the message.
    const previous = this.#position;
    if (previous !== null) {
      const gap =
        position.epoch !== previous.epoch ? 'epoch-changed' : position.offset !== previous.offset + 1 ? 'gap' : null;
      if (gap) {
        this.emit('notRecovered', {
          cause: 'gap',
          reason: gap,
          since: formatPosition(previous),
          position: formatPosition(position),
        });
      }
    }
    this.#position = position;
    this.emit('message', {
      room: String(frame.room ?? ''),
      position: formatPosition(position),
      epoch: position.epoch,
      offset: position.offset,
      text: hasText ? frame.text : null,
      binary,
    });
  }

  /**
   * @param {Record<string, any>} frame
   * @param {string} data
   */
  #onReset(frame, data) {
    const position = framePosition(frame);
    if (position === null) {
      this.#malformed('reset frame without a valid position', data);
      return;
    }
    const previous = this.#position;
    this.#position = position;
    this.emit('notRecovered', {
      cause: 'reset',
      reason: String(frame.reason ?? 'epoch-changed'),
      since: previous && formatPosition(previous),
      position: formatPosition(position),
    });
  }

  /**
   * @param {Record<string, any>} frame
   * @param {string} data
   */
  #onPresence(frame, data) {
    if ((frame.event !== 'join' && frame.event !== 'leave') || typeof frame.member !== 'string') {
      this.#malformed('presence frame without event join/leave and a member', data);
      return;
    }
    this.emit('presence', {
      room: String(frame.room ?? ''),
      event: frame.event,
      member: frame.member,
      user: typeof frame.user === 'string' ? frame.user : null,
      node: typeof frame.node === 'string' ? frame.node : null,
    });
  }

  /**
   * @param {string} message
   * @param {unknown} data
   */
  #malformed(message, data) {
    this.emit('error', { kind: 'frame', message, data });
  }

  /**
   * @param {number} code
   * @param {string} reason
   * @param {boolean} wasClean
   */
  #onClose(code, reason, wasClean) {
    this.#teardown();
    this.emit('close', { code, reason, wasClean, willReconnect: this.#state !== 'closed' });
    this.#scheduleReconnect();
  }

  /**
   * Gives up on the current socket without waiting for its close event: on a dead network the close handshake
   * (and so the event) can take minutes.
   * @param {string} reason
   */
  #abandon(reason) {
    const socket = this.#socket;
    this.#teardown();
    try {
      socket?.close(GIVE_UP_CODE, reason);
    } catch {
      // The socket is detached; whatever state it is in no longer matters.
    }
    this.emit('close', { code: ABNORMAL_CLOSURE, reason, wasClean: false, willReconnect: this.#state !== 'closed' });
    this.#scheduleReconnect();
  }

  /** Detaches the current socket and stops its timers. */
  #teardown() {
    const socket = this.#socket;
    if (socket) socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    this.#socket = null;
    this.#joined = false;
    // Answers come on the connection that carried the publish: with it gone, whether they were delivered is unknown.
    const acks = this.#acks;
    this.#acks = new Map();
    for (const { reject } of acks.values()) {
      reject(new HubClientError('disconnected', 'the connection ended before the publish was acknowledged'));
    }
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#stableTimer);
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongDeadline);
    this.#pongDeadline = undefined;
  }

  #scheduleReconnect() {
    if (this.#state === 'closed') return;
    this.#state = 'waiting';
    this.#attempt += 1;
    const delayMs = backoffDelay(this.#attempt, this.#backoff, this.#random);
    this.emit('reconnecting', {
      attempt: this.#attempt,
      delayMs,
      since: this.#position && formatPosition(this.#position),
    });
    if (this.#state !== 'waiting') return; // a listener called close()
    this.#reconnectTimer = setTimeout(() => this.#connect(), delayMs);
  }

  /** @param {string} text */
  #publishFrame(text) {
    return this.#socket.protocol === HUB_V1 ? JSON.stringify({ type: 'publish', text }) : text;
  }

  /** @param {string} data */
  #send(data) {
    if (this.#socket?.readyState !== OPEN) return;
    this.#socket.send(data);
  }
}

/**
 * @param {string | URL} url
 * @returns {URL}
 */
function resolveUrl(url) {
  const base = /** @type {any} */ (globalThis).location?.href;
  const resolved = new URL(url, base);
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
  else if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
  if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') {
    throw new TypeError(`unsupported URL scheme ${resolved.protocol}`);
  }
  resolved.hash = '';
  return resolved;
}

/**
 * @param {string} base64
 * @returns {Uint8Array | null}
 */
function decodeBase64(base64) {
  try {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}
