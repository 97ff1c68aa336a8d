/**
 * A fake Hub room that speaks docs/rooms-protocol.md over fake sockets: numbered history within an epoch, resume
 * with `since` (recovered / epoch-changed / too-old / ahead), publish and ping under hub.v1, raw publish without a
 * subprotocol, and `crash()` for a lost owner (new epoch, `reset` to connected sockets).
 */
export class FakeRoom {
  /** @type {{ epoch: string, offset: number, text: string }[]} */ history = [];
  /** @type {Set<any>} */ members = new Set();
  epoch;
  head = 0;
  #epochs = 0;

  /**
   * @param {string} name
   * @param {{ retain?: number }} [options] messages kept (older ones are "too-old" for resume)
   */
  constructor(name, options = {}) {
    this.name = name;
    this.retain = options.retain ?? Infinity;
    this.epoch = this.#nextEpoch();
  }

  /** Accepts a client's socket: handshake, `joined`, replay. */
  accept(socket) {
    // Commands sent while the socket is still joining wait until joined and replay are out, like the server's
    // stash for a socket whose join is still running.
    /** @type {string[] | null} */
    let stash = [];
    const send = socket.send.bind(socket);
    socket.send = (data) => {
      send(data);
      if (stash) stash.push(data);
      else this.#command(socket, data);
    };
    socket.accept();
    const since = socket.searchParams.get('since');
    const joined = { type: 'joined', room: this.name, epoch: this.epoch, offset: this.head, position: `${this.epoch}:${this.head}`, recovered: true, missed: 0, member: `c-${this.members.size + 1}` };
    let replay = [];
    if (since !== null) {
      const colon = since.lastIndexOf(':');
      const epoch = since.slice(0, colon);
      const offset = Number(since.slice(colon + 1));
      const oldest = this.history.length ? this.history[0].offset : this.head + 1;
      if (epoch !== this.epoch) Object.assign(joined, { recovered: false, reason: 'epoch-changed' });
      else if (offset > this.head) Object.assign(joined, { recovered: false, reason: 'ahead' });
      else if (offset + 1 < oldest) Object.assign(joined, { recovered: false, reason: 'too-old' });
      else {
        replay = this.history.filter((m) => m.offset > offset);
        joined.missed = replay.length;
      }
    }
    // Like the server: `joined` goes to hub.v1 clients and to resuming ones; a plain first join gets messages only.
    if (socket.protocol === 'hub.v1' || since !== null) socket.receive(joined);
    for (const m of replay) socket.receive(this.#frame(m));
    this.members.add(socket);
    const stashed = stash;
    stash = null;
    for (const data of stashed) this.#command(socket, data);
    const drop = socket.drop.bind(socket);
    socket.drop = (...args) => {
      this.members.delete(socket);
      drop(...args);
    };
    return socket;
  }

  /** Appends a message and delivers it to every member. */
  publish(text) {
    this.head += 1;
    const message = { epoch: this.epoch, offset: this.head, text };
    this.history.push(message);
    while (this.history.length > this.retain) this.history.shift();
    for (const socket of this.members) if (socket.readyState === 1) socket.receive(this.#frame(message));
  }

  /** The owner is lost: history and epoch start over; connected sockets get `reset`. */
  crash() {
    this.epoch = this.#nextEpoch();
    this.head = 0;
    this.history = [];
    for (const socket of this.members) {
      socket.receive({ type: 'reset', room: this.name, epoch: this.epoch, position: `${this.epoch}:0`, recovered: false, reason: 'epoch-changed' });
    }
  }

  #command(socket, data) {
    if (socket.protocol !== 'hub.v1') {
      this.publish(data);
      return;
    }
    const command = JSON.parse(data);
    if (command.type === 'publish') this.publish(command.text);
    else if (command.type === 'ping') socket.receive({ type: 'pong' });
    else socket.drop(1003, 'unsupported');
  }

  #frame(m) {
    return { type: 'message', room: this.name, epoch: m.epoch, offset: m.offset, position: `${m.epoch}:${m.offset}`, text: m.text };
  }

  #nextEpoch() {
    this.#epochs += 1;
    return `e${this.#epochs}`;
  }
}
