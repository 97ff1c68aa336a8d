/**
 * A deterministic in-memory WebSocket for injecting into HubRoomClient: nothing happens until the test drives
 * the "server" side (accept, receive, drop). It implements only what the client uses: the on* handlers,
 * readyState, protocol, url, send and close.
 */
export function createFakeWebSocket() {
  /** @type {FakeWebSocket[]} */
  const sockets = [];

  class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    /** @type {((event: any) => void) | null} */ onopen = null;
    /** @type {((event: any) => void) | null} */ onmessage = null;
    /** @type {((event: any) => void) | null} */ onerror = null;
    /** @type {((event: any) => void) | null} */ onclose = null;
    readyState = 0;
    protocol = '';
    /** @type {string[]} frames the client sent */ sent = [];
    /** @type {{ code?: number, reason?: string }[]} */ closeCalls = [];

    /**
     * @param {string} url
     * @param {string[]} protocols
     */
    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      sockets.push(this);
    }

    get searchParams() {
      return new URL(this.url).searchParams;
    }

    /** The frames the client sent, parsed as JSON. */
    get sentJson() {
      return this.sent.map((data) => JSON.parse(data));
    }

    /** @param {string} data */
    send(data) {
      if (this.readyState !== 1) throw new Error('InvalidStateError: not open');
      this.sent.push(data);
    }

    /**
     * @param {number} [code]
     * @param {string} [reason]
     */
    close(code, reason) {
      this.closeCalls.push({ code, reason });
      if (this.readyState < 2) this.readyState = 2;
    }

    // ---- server side ----

    /** Completes the handshake, selecting `protocol` ('' = none) the way a server would. */
    accept(protocol = this.protocols.includes('hub.v1') ? 'hub.v1' : '') {
      this.protocol = protocol;
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
      return this;
    }

    /** Delivers a frame: objects are sent as JSON text, strings and other data as they are. */
    receive(frame) {
      const data = typeof frame === 'object' && !(frame instanceof ArrayBuffer) ? JSON.stringify(frame) : frame;
      this.onmessage?.({ type: 'message', data });
      return this;
    }

    /** Ends the connection from the server or network side. */
    drop(code = 1006, reason = '', wasClean = false) {
      this.readyState = 3;
      this.onclose?.({ type: 'close', code, reason, wasClean });
    }

    /** A handshake failure: browsers fire error, then close 1006. */
    fail() {
      this.readyState = 3;
      this.onerror?.({ type: 'error' });
      this.onclose?.({ type: 'close', code: 1006, reason: '', wasClean: false });
    }

    /** True while the client still listens to this socket. */
    get attached() {
      return this.onmessage !== null;
    }
  }

  return {
    WebSocket: FakeWebSocket,
    sockets,
    /** The most recently created socket. */
    get last() {
      return sockets[sockets.length - 1];
    },
  };
}
