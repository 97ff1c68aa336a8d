// Types for @hub/client (hand-written; the implementation is plain JavaScript in src/).

/** A room position written `epoch:offset` (docs/rooms-protocol.md). */
export type PositionString = `${string}:${number}`;

export interface Position {
  /** Opaque; offsets are only comparable within one epoch. */
  epoch: string;
  /** 1 for the first message of an epoch; 0 = before the first message. */
  offset: number;
}

export interface BackoffOptions {
  /** First delay before jitter (attempt 1). Default 500. */
  initialMs: number;
  /** Cap on the delay before jitter. Default 30000. */
  maxMs: number;
  /** Growth per attempt, >= 1. Default 2. */
  factor: number;
  /** Random fraction of each delay, 0..1: 0 = exact, 1 = full jitter ([0, delay]). Default 0.5 ([delay/2, delay]). */
  jitter: number;
  /** A connection open this long resets the attempt count. Default 10000. */
  stableMs: number;
}

export interface KeepaliveOptions {
  /** Send `{"type":"ping"}` this often; hub.v1 connections only; 0 disables. Default 25000. */
  intervalMs: number;
  /** After a ping, no frame within this abandons the socket and reconnects. Default 10000. */
  timeoutMs: number;
}

/** The parts of the WebSocket interface the client uses (browsers, Node >= 22, undici, `ws` all fit). */
export interface WebSocketLike {
  readonly url: string;
  readonly protocol: string;
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: any) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface HubRoomClientOptions {
  /** Default `globalThis.WebSocket` (browsers, Node >= 22). */
  WebSocket?: WebSocketConstructor;
  /** Subprotocols offered. Default `['hub.v1']`; `[]` for the raw text protocol. */
  protocols?: string[];
  backoff?: Partial<BackoffOptions>;
  keepalive?: Partial<KeepaliveOptions>;
  /** A socket not open after this is abandoned and retried; 0 disables. Default 15000. */
  connectTimeoutMs?: number;
  /** Position to resume from on the first connection, `epoch:offset` (`epoch:0` = the whole retained history). */
  since?: string;
  /** Sent as `?user=`. */
  user?: string;
  /** Sent as `?presence=1`: deliver `presence` events. */
  presence?: boolean;
  /** Publishes kept until the next `joined`; 0 makes `publish` throw when not joined. Default 1000. */
  maxQueued?: number;
  /** Uniform in [0, 1) for backoff jitter. Default `Math.random`. */
  random?: () => number;
}

export type ClientState = 'connecting' | 'open' | 'waiting' | 'closed';

export interface OpenEvent {
  url: string;
  /** The selected subprotocol: `'hub.v1'` or `''`. */
  protocol: string;
  /** The position this connection asked to resume from, or null. */
  since: string | null;
}

export interface JoinedEvent {
  room: string;
  /** The room's head at the join (the last message that exists). */
  position: string;
  epoch: string;
  offset: number;
  /** This connection's presence id. */
  member: string | null;
  /** The connection was opened with `since`. */
  resumed: boolean;
  recovered: boolean;
  /** Messages replayed after `since` (they follow as `message` events). */
  missed: number;
  /** Why not recovered, else null. */
  reason: string | null;
}

export interface MessageEvent {
  room: string;
  position: string;
  epoch: string;
  offset: number;
  /** Text messages; null for binary ones. */
  text: string | null;
  /** Binary messages, decoded from base64; null for text ones. */
  binary: Uint8Array | null;
}

export interface PresenceEvent {
  room: string;
  event: 'join' | 'leave';
  member: string;
  user: string | null;
  node: string | null;
}

export interface RecoveredEvent {
  /** The position resumed from. */
  since: string;
  /** The room's head at the join. */
  position: string;
  missed: number;
}

export interface NotRecoveredEvent {
  /**
   * `joined`: the server could not resume from `since`; `reset`: the room lost its history while connected;
   * `gap`: the client saw an offset that was not previous + 1, or a new epoch without a reset.
   */
  cause: 'joined' | 'reset' | 'gap';
  /** `epoch-changed`, `too-old`, `ahead` (server) or `gap` (client); other strings from newer servers. */
  reason: 'epoch-changed' | 'too-old' | 'ahead' | 'gap' | (string & {});
  /** The position the client had, or null. */
  since: string | null;
  /** Where the stream continues from. */
  position: string;
}

export interface ReconnectingEvent {
  /** 1-based count of attempts since the last stable connection. */
  attempt: number;
  delayMs: number;
  /** The position the next connection resumes from, or null. */
  since: string | null;
}

export interface CloseEvent {
  /** 1006 when the client abandoned the socket itself (keepalive or connect timeout). */
  code: number;
  reason: string;
  wasClean: boolean;
  /** False once `close()` was called: the client is done. */
  willReconnect: boolean;
}

export type ErrorEvent =
  | { kind: 'socket'; message: string; error: unknown }
  | { kind: 'frame'; message: string; data: unknown }
  | { kind: 'listener'; message: string; error: unknown };

export interface HubRoomClientEventMap {
  open: OpenEvent;
  joined: JoinedEvent;
  message: MessageEvent;
  presence: PresenceEvent;
  recovered: RecoveredEvent;
  notRecovered: NotRecoveredEvent;
  reconnecting: ReconnectingEvent;
  close: CloseEvent;
  error: ErrorEvent;
}

export declare const HUB_V1: 'hub.v1';

export type HubClientErrorCode = 'closed' | 'disconnected' | 'queue-full' | 'unsupported' | 'publish-failed';

export declare class HubClientError extends Error {
  readonly code: HubClientErrorCode;
  /** The server's reason of a `publish-failed` (`timeout`, `too-large`); null otherwise. */
  readonly reason: string | null;
  constructor(code: HubClientErrorCode, message: string, reason?: string | null);
}

export declare class HubRoomClient {
  /** Starts connecting at once; all events are delivered asynchronously. */
  constructor(url: string | URL, options?: HubRoomClientOptions);
  readonly state: ClientState;
  /** The last position seen, which the next reconnect resumes from; null before any. */
  readonly position: string | null;
  /** Selected subprotocol while open, else null. */
  readonly protocol: string | null;
  /** Publishes waiting for the next `joined`. */
  readonly queued: number;
  /**
   * Publishes text to the room. Returns true if sent now, false if queued until the next `joined`.
   * @throws HubClientError `closed`, `disconnected` (maxQueued 0) or `queue-full`.
   */
  publish(text: string): boolean;
  /**
   * Acknowledged publishing (hub.v1, joined): resolves with the message's position `epoch:offset`, or rejects with
   * HubClientError `publish-failed` (reason `timeout` / `too-large`), `disconnected`, `unsupported` or `closed`.
   */
  publishAcked(text: string): Promise<string>;
  /** Closes for good: no reconnect, queued publishes dropped. */
  close(code?: number, reason?: string): void;
  /** Returns a function that removes the listener. */
  on<K extends keyof HubRoomClientEventMap>(type: K, listener: (event: HubRoomClientEventMap[K]) => void): () => void;
  off<K extends keyof HubRoomClientEventMap>(type: K, listener: (event: HubRoomClientEventMap[K]) => void): void;
  once<K extends keyof HubRoomClientEventMap>(type: K, listener: (event: HubRoomClientEventMap[K]) => void): () => void;
}

export declare const DEFAULT_BACKOFF: Readonly<BackoffOptions>;

/** Delay before 1-based reconnect attempt `attempt`, within [ceiling * (1 - jitter), ceiling]. */
export declare function backoffDelay(attempt: number, options: BackoffOptions, random?: () => number): number;

/** Parses `epoch:offset`; null if it is not one. */
export declare function parsePosition(value: unknown): Position | null;

export declare function formatPosition(position: Position): string;
