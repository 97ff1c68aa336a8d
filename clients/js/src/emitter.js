/**
 * A minimal typed event emitter (on/off/once). Chosen over EventTarget so listeners receive plain detail objects
 * (no CustomEvent wrapping) and so an exception in one listener cannot stop the client: it is reported as an
 * `error` event of kind `listener` instead.
 * @template {Record<string, any>} Events
 */
export class Emitter {
  /** @type {Map<keyof Events, Set<(event: any) => void>>} */
  #listeners = new Map();

  /**
   * @template {keyof Events} K
   * @param {K} type
   * @param {(event: Events[K]) => void} listener
   * @returns {() => void} removes the listener
   */
  on(type, listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => this.off(type, listener);
  }

  /**
   * @template {keyof Events} K
   * @param {K} type
   * @param {(event: Events[K]) => void} listener
   */
  off(type, listener) {
    this.#listeners.get(type)?.delete(listener);
  }

  /**
   * @template {keyof Events} K
   * @param {K} type
   * @param {(event: Events[K]) => void} listener
   * @returns {() => void} removes the listener
   */
  once(type, listener) {
    /** @param {Events[K]} event */
    const wrapper = (event) => {
      this.off(type, wrapper);
      listener(event);
    };
    return this.on(type, wrapper);
  }

  /**
   * @protected
   * @template {keyof Events} K
   * @param {K} type
   * @param {Events[K]} event
   */
  emit(type, event) {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (error) {
        if (type === 'error') reportUncaught(error);
        // @ts-ignore - every Events map used here has an `error` entry of this shape
        else this.emit('error', { kind: 'listener', message: `a '${String(type)}' listener threw`, error });
      }
    }
  }
}

/** @param {unknown} error */
function reportUncaught(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else console.error(error);
}
