// Types for @hub/client (hub-client.js). The wire contract is docs/protocol.md, version 1.

/** An event as clients receive it: `type` plus whatever the publisher sent, and the fields the hub adds. */
export interface HubEvent {
  type: string;
  timestamp?: string;
  channel?: string;
  offset?: number;
  epoch?: string;
  from?: string;
  /** Payload bytes of a binary frame (docs/protocol.md section 7). */
  binary?: Uint8Array;
  [field: string]: unknown;
}

export interface StreamPosition { offset: number; epoch: string; }

/** A `subscribed` frame: a reply to a subscribe, or (no `id`) the server's word that the epoch changed. */
export interface SubscribedFrame { type: 'subscribed'; id?: number; channel: string; offset?: number; epoch?: string | null; recovered?: boolean; }

/** A subscription the hub ended (docs/protocol.md section 4): `forbidden` ends it for good; `overflow` is resumed by the client itself. */
export interface UnsubscribedFrame { type: 'unsubscribed'; channel: string; reason: 'forbidden' | 'overflow' | string; }

export interface SubscribeOptions {
  /** Resume from this position (the server replays what came after it, or answers `recovered: false`). */
  since?: StreamPosition;
  /**
   * What the handler got so far is not continuous with what follows: the channel's history was lost
   * (a new epoch, announced by the server) or a resume could not recover. Reload what you show.
   */
  onReset?: (frame: SubscribedFrame) => void;
  /** The hub ended the subscription for good (`forbidden`: a refreshed token no longer allows it). */
  onEnd?: (frame: UnsubscribedFrame) => void;
}

export type HubState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface StateInfo {
  url?: string;
  /** On 'connected': the node id from the `connected` frame. */
  node?: string;
  connectionId?: string;
  /** On 'disconnected': ms until the next attempt (0 after `reconnect` / close 1012). */
  delay?: number;
  attempt?: number;
  /** On 'disconnected': the URL the next attempt will use. */
  next?: string;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface HubClientOptions {
  /** One endpoint, e.g. `wss://hub.example.com/ws`. */
  url?: string;
  /** Endpoints tried in turn; every new attempt goes to the next one. */
  urls?: string[];
  /** A JWT, or a (possibly async) function called before every connection attempt. Sent as `?token=`. */
  token?: string | (() => string | Promise<string>);
  /** Open (development) mode only: the user to connect as, sent as `?user=`. */
  user?: string;
  /** WebSocket class; defaults to `globalThis.WebSocket` (browsers). In Node 20 pass the `ws` package's. */
  WebSocket?: any;
  /** Reconnect backoff, full jitter: delay = random() * min(max, min * factor^attempt). Defaults 500, 30000, 2. */
  backoff?: { min?: number; max?: number; factor?: number };
  /** Random source in [0, 1) for the jitter; defaults to Math.random. */
  random?: () => number;
  /** Timers and clock; default to the global ones and Date.now. */
  timers?: Partial<Timers>;
  /** Frames sent while disconnected wait here. Defaults: max 1000, 'drop-oldest'. */
  queue?: { max?: number; overflow?: 'drop-oldest' | 'reject' };
  /** Timeout of replies to publish/presence/history/... in ms (default 10000). */
  requestTimeout?: number;
  /** Give up on a connection attempt after this many ms (default 10000). */
  connectTimeout?: number;
  /** Heartbeat in ms; defaults to the one announced in `connected`. */
  heartbeat?: number;
  /** A connection silent for deadFactor x heartbeat is dead (default 2.5). */
  deadFactor?: number;
  /** Connect from the constructor (default true). */
  autoConnect?: boolean;
}

/** A rejected request: `code` is the protocol's error code (forbidden, no_handler, timeout, ...) or
 *  a client one: disconnected (sent, then the connection dropped), queue_full, closed, token_failed. */
export class HubError extends Error {
  code: string;
  frame?: any;
  constructor(code: string, message?: string, frame?: any);
}

export interface Unsubscribe {
  (): void;
  /**
   * Resolves with the first `subscribed` reply; rejects if the hub refuses (forbidden, bad_channel, ...) or
   * ends the subscription before it. An `unavailable` refusal is retried with the reconnect backoff instead.
   */
  ready: Promise<SubscribedFrame>;
}

export interface PresenceReply { type: 'presence'; channel: string; users: { user: string; connections: number }[]; count: number; }
export interface HistoryReply { type: 'history'; channel: string; messages: HubEvent[]; offset?: number; epoch?: string; }
export interface Ack { type: 'ack'; id: number; offset?: number; epoch?: string; }

export class HubClient {
  constructor(options: HubClientOptions);
  readonly state: HubState;
  readonly isConnected: boolean;
  /** Node id from the last `connected` frame. */
  readonly node: string | null;
  readonly connectionId: string | null;
  /** The URL of the current connection. */
  readonly currentUrl: string | null;
  readonly heartbeat: number;

  on(name: 'state', fn: (state: HubState, info: StateInfo) => void): () => void;
  on(name: 'event', fn: (event: HubEvent) => void): () => void;
  on(name: 'connected', fn: (frame: { node: string; connectionId: string; user: string | null; heartbeat: number }) => void): () => void;
  /** Every `subscribed`: replies, and the server's own when a channel's epoch changes. */
  on(name: 'subscribed', fn: (frame: SubscribedFrame) => void): () => void;
  /** A subscription's stream was reset (see SubscribeOptions.onReset), for any channel. */
  on(name: 'reset', fn: (frame: SubscribedFrame) => void): () => void;
  /** The hub ended a subscription for good (see SubscribeOptions.onEnd), for any channel. */
  on(name: 'unsubscribed', fn: (frame: UnsubscribedFrame) => void): () => void;
  on(name: 'disconnect', fn: (info: { url: string; code?: number; reason?: string; opened: boolean }) => void): () => void;
  on(name: 'dropped', fn: (frame: object) => void): () => void;
  on(name: 'error', fn: (error: Error) => void): () => void;

  connect(): void;
  reconnectNow(): void;
  close(): void;

  /**
   * Calls `handler` with every event of `channel` (an event carrying `channel`), across reconnects. The
   * resume position moves only forward within the epoch held, and to another epoch only on the server's
   * `subscribed`.
   */
  subscribe(channel: string, handler: (event: HubEvent) => void, options?: SubscribeOptions): Unsubscribe;
  /** The resume position of a history channel, or null. */
  position(channel: string): StreamPosition | null;
  publish(channel: string, event: { type: string; [field: string]: unknown }): Promise<Ack>;
  broadcast(event: { type: string; [field: string]: unknown }): Promise<Ack>;
  direct(user: string, event: { type: string; [field: string]: unknown }): Promise<Ack>;
  rpc<T = unknown>(address: string, body: unknown, options?: { timeout?: number }): Promise<T>;
  presence(channel: string): Promise<PresenceReply>;
  history(channel: string, options?: { since?: StreamPosition; limit?: number }): Promise<HistoryReply>;
  /** Sends any frame now, or queues it while disconnected. */
  send(frame: { type: string; [field: string]: unknown }): void;
  /** Sends a frame with a fresh `id`; resolves with the reply carrying it. */
  request<T = any>(frame: { type: string; [field: string]: unknown }, timeout?: number): Promise<T>;
}

export function createHub(options: HubClientOptions): HubClient;
export function backoffDelay(attempt: number, options?: { min?: number; max?: number; factor?: number }, random?: () => number): number;
