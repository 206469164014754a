// @hub/client: a client for the hub WebSocket protocol (docs/protocol.md, version 1).
// One ES module, no build step, no dependency. Runs in browsers and in Node 20+ (give it a
// WebSocket class there, e.g. the `ws` package's, since Node 20 has none built in).

const SERVER_REPLIES = new Set(['subscribed', 'unsubscribed', 'ack', 'presence', 'history', 'rpc_result']);

/**
 * Delay before reconnection attempt `attempt` (0 for the first): "full jitter", a uniform draw
 * between 0 and the capped exponential min * factor^attempt, so that clients dropped together by
 * one dead node do not come back together.
 */
export function backoffDelay(attempt, { min = 500, max = 30000, factor = 2 } = {}, random = Math.random) {
  const ceiling = Math.min(max, min * Math.pow(factor, attempt));
  return Math.floor(random() * ceiling);
}

/** An Error carrying the protocol's error `code` (or a client-side one: disconnected, timeout, queue_full, ...). */
export class HubError extends Error {
  constructor(code, message, frame) {
    super(message || code);
    this.name = 'HubError';
    this.code = code;
    this.frame = frame;
  }
}

const defaultTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
  now: () => Date.now(),
};

export class HubClient {
  /**
   * @param {object} options see hub-client.d.ts
   */
  constructor(options = {}) {
    const urls = options.urls || (options.url ? [options.url] : null);
    if (!urls || urls.length === 0) throw new TypeError('HubClient needs `url` or `urls`');
    this.urls = urls.slice();
    this.token = options.token;
    this.user = options.user;
    this.WebSocket = options.WebSocket || globalThis.WebSocket;
    if (!this.WebSocket) throw new TypeError('no WebSocket implementation: pass options.WebSocket (e.g. the ws package)');
    this.backoff = { min: 500, max: 30000, factor: 2, ...(options.backoff || {}) };
    this.random = options.random || Math.random;
    this.timers = { ...defaultTimers, ...(options.timers || {}) };
    this.queueLimit = options.queue?.max ?? 1000;
    this.overflow = options.queue?.overflow ?? 'drop-oldest';
    if (this.overflow !== 'drop-oldest' && this.overflow !== 'reject') {
      throw new TypeError("queue.overflow must be 'drop-oldest' or 'reject'");
    }
    this.requestTimeout = options.requestTimeout ?? 10000;
    this.connectTimeout = options.connectTimeout ?? 10000;
    this.heartbeatOverride = options.heartbeat;
    this.deadFactor = options.deadFactor ?? 2.5;

    this.state = 'idle';
    this.node = null;
    this.connectionId = null;
    this.currentUrl = null;
    this.socket = null;
    this.urlIndex = 0;
    this.attempt = 0;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, reject, timer, sent}
    this.queue = []; // {frame, request}
    this.channels = new Map(); // channel -> {handlers:Map(handler -> hooks), offset, epoch, history, ready, retry, retries}
    this.listeners = new Map(); // event name -> Set
    this.timer = { reconnect: null, ping: null, watchdog: null, connect: null };
    this.lastSeen = 0;
    this.heartbeat = 30000;
    this.jumpNow = false;
    if (options.autoConnect !== false) this.connect();
  }

  // ---- events ---------------------------------------------------------------------------------

  /**
   * Listen to 'state', 'event', 'error', 'subscribed', 'reset', 'unsubscribed', 'connected', 'disconnect',
   * 'dropped'; returns a function that stops listening.
   */
  on(name, fn) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(fn);
    return () => this.listeners.get(name)?.delete(fn);
  }

  emit(name, ...args) {
    for (const fn of [...(this.listeners.get(name) || [])]) {
      try { fn(...args); } catch (e) { if (name !== 'error') this.emit('error', e); }
    }
  }

  setState(state, info = {}) {
    if (this.state === state && state !== 'disconnected') return;
    this.state = state;
    this.emit('state', state, info);
  }

  get isConnected() { return this.state === 'connected'; }

  // ---- connection -----------------------------------------------------------------------------

  /** Starts connecting (done by the constructor unless autoConnect is false). */
  connect() {
    if (this.state === 'connecting' || this.state === 'connected') return;
    this.closedByUser = false;
    this.clear('reconnect');
    this.open();
  }

  /** Skips the backoff wait and tries the next URL now (a "retry" button, the browser's `online` event). */
  reconnectNow() {
    if (this.closedByUser || this.state === 'connecting' || this.state === 'connected') return;
    this.clear('reconnect');
    this.open();
  }

  /** Closes for good: pending requests and queued frames are failed with code `closed`. */
  close() {
    this.closedByUser = true;
    for (const key of Object.keys(this.timer)) this.clear(key);
    for (const entry of this.channels.values()) this.clearRetry(entry);
    const socket = this.socket;
    this.socket = null;
    if (socket) { detach(socket); try { socket.close(1000); } catch { /* already closed */ } }
    this.failPending(new HubError('closed', 'the client was closed'), true);
    this.setState('closed');
  }

  async open() {
    const url = this.urls[this.urlIndex % this.urls.length];
    this.setState('connecting', { url, attempt: this.attempt });
    let token;
    try {
      token = typeof this.token === 'function' ? await this.token() : this.token;
    } catch (e) {
      this.emit('error', new HubError('token_failed', `token function failed: ${e?.message || e}`));
      this.scheduleReconnect(url, false);
      return;
    }
    if (this.closedByUser) return;
    let socket;
    try {
      socket = new this.WebSocket(withParams(url, token, this.user));
    } catch (e) {
      this.emit('error', e);
      this.scheduleReconnect(url, false);
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    let opened = false;
    this.timer.connect = this.timers.setTimeout(() => this.lost(socket, url, opened, 4000, 'connect timeout'), this.connectTimeout);
    socket.onopen = () => { opened = true; this.lastSeen = this.timers.now(); };
    socket.onmessage = (message) => this.receive(message.data);
    socket.onerror = () => { /* onclose follows and carries what matters */ };
    socket.onclose = (event) => this.lost(socket, url, opened, event?.code, event?.reason);
  }

  /** The socket is gone (closed, dead or never opened): fail in-flight requests, wait, try the next URL. */
  lost(socket, url, opened, code, reason) {
    if (socket !== this.socket) return;
    this.socket = null;
    detach(socket);
    try { socket.close(); } catch { /* already closed */ }
    for (const key of ['ping', 'watchdog', 'connect']) this.clear(key);
    this.failPending(new HubError('disconnected', `connection lost (${code ?? ''} ${reason ?? ''})`.trim()), false);
    if (this.closedByUser) return;
    const now = code === 1012 || this.jumpNow;
    this.jumpNow = false;
    this.emit('disconnect', { url, code, reason, opened });
    this.scheduleReconnect(url, now);
  }

  scheduleReconnect(url, immediately) {
    // Each attempt goes to the next URL: the node that dropped us (or refused us) is the suspect one.
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    const delay = immediately ? 0 : backoffDelay(this.attempt, this.backoff, this.random);
    const attempt = this.attempt;
    this.attempt++;
    this.setState('disconnected', { url, delay, attempt, next: this.urls[this.urlIndex] });
    this.timer.reconnect = this.timers.setTimeout(() => { this.timer.reconnect = null; this.open(); }, delay);
  }

  clear(key) {
    if (this.timer[key] != null) this.timers.clearTimeout(this.timer[key]);
    this.timer[key] = null;
  }

  // ---- heartbeat ------------------------------------------------------------------------------

  // Browsers cannot see WebSocket pings, so the client sends application pings and counts any
  // frame (pong included) as a sign of life; a connection silent for deadFactor x heartbeat is dead.
  startHeartbeat() {
    const interval = Math.max(50, Math.floor(this.heartbeat / 2));
    const ping = () => {
      this.timer.ping = this.timers.setTimeout(ping, interval);
      this.sendNow({ type: 'ping' });
    };
    this.timer.ping = this.timers.setTimeout(ping, interval);
    const deadAfter = this.heartbeat * this.deadFactor;
    const watch = () => {
      const silent = this.timers.now() - this.lastSeen;
      if (silent >= deadAfter) {
        this.lost(this.socket, this.currentUrl, true, 4000, `silent for ${silent} ms`);
        return;
      }
      this.timer.watchdog = this.timers.setTimeout(watch, Math.max(10, deadAfter - silent));
    };
    this.timer.watchdog = this.timers.setTimeout(watch, deadAfter);
  }

  // ---- receiving ------------------------------------------------------------------------------

  receive(data) {
    this.lastSeen = this.timers.now();
    let frame;
    let binary;
    try {
      if (typeof data === 'string') {
        frame = JSON.parse(data);
      } else {
        ({ frame, binary } = decodeBinary(data));
      }
    } catch (e) {
      this.emit('error', new HubError('invalid_frame', `unreadable frame from the server: ${e.message}`));
      return;
    }
    if (binary) frame.binary = binary;
    switch (frame.type) {
      case 'connected': return this.onConnected(frame);
      case 'pong': case 'authenticated': return;
      case 'reconnect': this.jumpNow = true; return;
      case 'error': return this.onError(frame);
      default:
        if (SERVER_REPLIES.has(frame.type) && frame.id != null && this.pending.has(frame.id)) {
          return this.settle(frame.id, null, frame);
        }
        // Without an id, `subscribed` and `unsubscribed` are the server's word on a live
        // subscription (docs/protocol.md section 4); a reply nobody waits for any more is dropped.
        if (frame.type === 'subscribed' && frame.id == null) return this.onServerSubscribed(frame);
        if (frame.type === 'unsubscribed' && frame.id == null) return this.onServerUnsubscribed(frame);
        if (SERVER_REPLIES.has(frame.type)) return;
        return this.onEvent(frame);
    }
  }

  onConnected(frame) {
    this.clear('connect');
    this.node = frame.node;
    this.connectionId = frame.connectionId;
    this.heartbeat = this.heartbeatOverride ?? frame.heartbeat ?? 30000;
    this.currentUrl = this.urls[this.urlIndex % this.urls.length];
    this.attempt = 0;
    this.startHeartbeat();
    this.setState('connected', { url: this.currentUrl, node: frame.node, connectionId: frame.connectionId });
    this.emit('connected', frame);
    // Subscriptions first, then what was queued: a queued publish to a channel we listen to
    // must not overtake our own subscribe.
    const queued = this.queue;
    this.queue = [];
    for (const channel of this.channels.keys()) this.sendSubscribe(channel);
    for (let i = 0; i < queued.length; i++) {
      if (!this.transmit(queued[i])) {
        // The socket went away mid-flush: keep the rest, in order, for the next connection.
        this.queue = queued.slice(i).concat(this.queue);
        return;
      }
    }
  }

  onError(frame) {
    const error = new HubError(frame.code, frame.message, frame);
    if (frame.id != null && this.pending.has(frame.id)) return this.settle(frame.id, error);
    this.emit('error', error);
  }

  onEvent(event) {
    const entry = typeof event.channel === 'string' ? this.channels.get(event.channel) : undefined;
    if (entry && !advance(entry, event)) return;
    if (entry) {
      for (const handler of [...entry.handlers.keys()]) {
        try { handler(event); } catch (e) { this.emit('error', e); }
      }
    }
    this.emit('event', event);
  }

  /** The epoch changed under a live subscription: adopt the server's position, tell the application. */
  onServerSubscribed(frame) {
    const entry = this.channels.get(frame.channel);
    if (!entry || !Number.isInteger(frame.offset)) return;
    entry.history = true;
    entry.offset = frame.offset;
    entry.epoch = frame.epoch ?? null;
    this.emit('subscribed', frame);
    if (frame.recovered === false) this.reset(entry, frame);
  }

  /** The server ended a subscription: resume at once after an overflow, otherwise it is over. */
  onServerUnsubscribed(frame) {
    const entry = this.channels.get(frame.channel);
    if (!entry) return;
    if (frame.reason === 'overflow') {
      // Subscribing again with `since` = what we hold recovers what fell behind, with no gap.
      if (this.state === 'connected') this.sendSubscribe(frame.channel);
      return;
    }
    this.channels.delete(frame.channel);
    this.clearRetry(entry);
    entry.readyReject(new HubError(frame.reason || 'unsubscribed', `the hub ended the subscription to ${frame.channel}`, frame));
    this.emit('unsubscribed', frame);
    for (const hooks of [...entry.handlers.values()]) call(this, hooks.onEnd, frame);
  }

  /** What the handlers got so far is not continuous with what follows: they should reload. */
  reset(entry, frame) {
    this.emit('reset', frame);
    for (const hooks of [...entry.handlers.values()]) call(this, hooks.onReset, frame);
  }

  // ---- sending --------------------------------------------------------------------------------

  sendNow(frame) {
    if (!this.socket || this.state !== 'connected') return false;
    try {
      this.socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a queued or new item; false if the socket would not take it (the caller keeps it). */
  transmit(item) {
    if (item.request && !this.pending.has(item.frame.id)) return true; // timed out while queued
    if (!this.sendNow(item.frame)) return false;
    if (item.request) this.pending.get(item.frame.id).sent = true;
    return true;
  }

  enqueue(item) {
    if (this.queue.length >= this.queueLimit) {
      if (this.overflow === 'reject') {
        const error = new HubError('queue_full', `offline queue full (${this.queueLimit} frames)`);
        if (item.request) this.settle(item.frame.id, error);
        else throw error;
        return;
      }
      const dropped = this.queue.shift();
      if (dropped.request) this.settle(dropped.frame.id, new HubError('queue_full', 'dropped from a full offline queue'));
      this.emit('dropped', dropped.frame);
    }
    this.queue.push(item);
  }

  /** Sends a frame now, or queues it until connected. */
  send(frame) {
    const item = { frame, request: false };
    if (this.state !== 'connected' || this.queue.length > 0 || !this.transmit(item)) this.enqueue(item);
  }

  /** Sends a frame with a fresh id and resolves with the reply carrying that id (rejects with a HubError). */
  request(frame, timeout = this.requestTimeout) {
    const id = this.nextId++;
    const framed = { ...frame, id };
    const promise = new Promise((resolve, reject) => {
      const timer = this.timers.setTimeout(() => this.settle(id, new HubError('timeout', `no reply to ${frame.type} in ${timeout} ms`)), timeout);
      this.pending.set(id, { resolve, reject, timer, sent: false });
    });
    // Fire-and-forget callers must not get an unhandled rejection; awaiting callers still see it.
    promise.catch(() => {});
    const item = { frame: framed, request: true };
    if (this.state !== 'connected' || this.queue.length > 0 || !this.transmit(item)) this.enqueue(item);
    return promise;
  }

  settle(id, error, reply) {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    this.timers.clearTimeout(entry.timer);
    if (error) entry.reject(error); else entry.resolve(reply);
  }

  /** In-flight requests are failed (their outcome is unknown); queued ones wait unless closing. */
  failPending(error, all) {
    for (const [id, entry] of [...this.pending]) {
      if (all || entry.sent) this.settle(id, error);
    }
    if (all) this.queue = [];
  }

  // ---- channels -------------------------------------------------------------------------------

  /**
   * Calls `handler` with every event of `channel`, across reconnects (history channels resume from
   * the last offset seen). `options.onReset(frame)` is called when what the handler got so far is
   * not continuous with what follows (a new epoch, or a resume that could not recover): reload.
   * `options.onEnd(frame)` is called when the hub ends the subscription for good (a refreshed
   * token no longer allows it). Returns a function that unsubscribes; its `ready` promise resolves
   * with the first `subscribed` reply.
   */
  subscribe(channel, handler, options = {}) {
    let entry = this.channels.get(channel);
    const first = !entry;
    if (first) {
      entry = { handlers: new Map(), offset: options.since?.offset ?? null, epoch: options.since?.epoch ?? null,
        history: false, retry: null, retries: 0 };
      entry.ready = new Promise((resolve, reject) => { entry.readyResolve = resolve; entry.readyReject = reject; });
      entry.ready.catch(() => {});
      this.channels.set(channel, entry);
    }
    entry.handlers.set(handler, { onReset: options.onReset, onEnd: options.onEnd });
    if (first && this.state === 'connected') this.sendSubscribe(channel);
    const unsubscribe = () => {
      if (!entry.handlers.delete(handler) || entry.handlers.size > 0) return;
      if (this.channels.get(channel) !== entry) return; // the hub ended it already
      this.channels.delete(channel);
      this.clearRetry(entry);
      if (this.state === 'connected') this.request({ type: 'unsubscribe', channel });
    };
    unsubscribe.ready = entry.ready;
    return unsubscribe;
  }

  sendSubscribe(channel) {
    const entry = this.channels.get(channel);
    if (!entry) return;
    this.clearRetry(entry);
    const frame = { type: 'subscribe', channel };
    if (entry.offset != null && entry.epoch != null) frame.since = { offset: entry.offset, epoch: entry.epoch };
    this.request(frame).then((reply) => {
      if (this.channels.get(channel) !== entry) return;
      entry.retries = 0;
      // A history channel's reply carries its position (epoch null while it has none yet).
      entry.history = Number.isInteger(reply.offset);
      // Without recovery nothing is replayed: the position is the channel's latest. With
      // recovery the replayed events carry their own offsets.
      if (entry.history && reply.recovered !== true) {
        entry.offset = reply.offset;
        entry.epoch = reply.epoch ?? null;
      }
      entry.readyResolve(reply);
      this.emit('subscribed', reply);
      if (frame.since && reply.recovered === false) this.reset(entry, reply);
    }, (error) => {
      if (this.channels.get(channel) !== entry) return;
      if (error.code === 'disconnected' || error.code === 'closed') return; // resent on reconnect
      if (error.code === 'timeout') { this.emit('error', error); return; } // kept: resent on reconnect
      if (error.code === 'unavailable') { // this node cannot serve the channel now: try again later
        this.emit('error', error);
        this.retrySubscribe(channel, entry);
        return;
      }
      this.channels.delete(channel);
      entry.readyReject(error);
      this.emit('error', error);
    });
  }

  /** Subscribes again after the reconnect backoff's delay (a reconnect in between resubscribes anyway). */
  retrySubscribe(channel, entry) {
    const delay = backoffDelay(entry.retries++, this.backoff, this.random);
    entry.retry = this.timers.setTimeout(() => {
      entry.retry = null;
      if (this.channels.get(channel) === entry && this.state === 'connected') this.sendSubscribe(channel);
    }, delay);
  }

  clearRetry(entry) {
    if (entry.retry != null) this.timers.clearTimeout(entry.retry);
    entry.retry = null;
  }

  /** The last offset/epoch seen on a history channel, or null. */
  position(channel) {
    const entry = this.channels.get(channel);
    return entry && entry.offset != null ? { offset: entry.offset, epoch: entry.epoch } : null;
  }

  // ---- requests -------------------------------------------------------------------------------

  /** Publishes to a channel; resolves with the ack ({offset, epoch} on history channels). */
  publish(channel, event) { return this.request({ type: 'publish', channel, event }); }

  /** Sends an event to every connection in the cluster. */
  broadcast(event) { return this.request({ type: 'broadcast', event }); }

  /** Sends an event to every connection of one user. */
  direct(user, event) { return this.request({ type: 'direct', user, event }); }

  /** Calls a JVM service's event-bus address; resolves with the reply body. */
  async rpc(address, body, { timeout } = {}) {
    const frame = { type: 'rpc', address, body };
    if (timeout != null) frame.timeout = timeout;
    // The server answers `timeout` itself; the client waits a little longer so it sees that answer.
    const reply = await this.request(frame, (timeout ?? 10000) + 2000);
    return reply.body;
  }

  /** Users subscribed to a channel, cluster-wide: {users:[{user, connections}], count}. */
  presence(channel) { return this.request({ type: 'presence', channel }); }

  /** Stored events of a history channel: {messages, offset, epoch}. */
  history(channel, { since, limit } = {}) {
    const frame = { type: 'history', channel };
    if (since) frame.since = since;
    if (limit != null) frame.limit = limit;
    return this.request(frame);
  }
}

/**
 * Moves a channel's resume position for one of its events; false for a duplicate. The position
 * moves only forward within the epoch held, so an event that names another epoch (or a position
 * far ahead in another) cannot make the client skip real events; another epoch comes only from the
 * server's `subscribed` (docs/protocol.md section 6). A history channel with no epoch yet takes
 * the epoch of its first event.
 */
function advance(entry, event) {
  if (!entry.history || !Number.isInteger(event.offset) || typeof event.epoch !== 'string') return true;
  if (entry.epoch == null) {
    if (event.offset > (entry.offset ?? 0)) {
      entry.offset = event.offset;
      entry.epoch = event.epoch;
    }
    return true;
  }
  if (event.epoch !== entry.epoch) return true;
  // Recovery replays from `since`; anything at or below what we already have is a duplicate.
  if (event.offset <= entry.offset) return false;
  entry.offset = event.offset;
  return true;
}

/** Calls an application hook, reporting what it throws as an 'error'. */
function call(hub, hook, frame) {
  if (!hook) return;
  try { hook(frame); } catch (e) { hub.emit('error', e); }
}

function detach(socket) {
  socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
}

function withParams(url, token, user) {
  const params = [];
  if (token) params.push(`token=${encodeURIComponent(token)}`);
  if (user) params.push(`user=${encodeURIComponent(user)}`);
  if (params.length === 0) return url;
  return url + (url.includes('?') ? '&' : '?') + params.join('&');
}

/** [4-byte big-endian header length][UTF-8 JSON event][payload bytes] (docs/protocol.md section 7). */
function decodeBinary(data) {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0);
  const frame = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  return { frame, binary: bytes.slice(4 + length) };
}

/** Shorthand: `createHub({ url })` is `new HubClient({ url })`. */
export function createHub(options) {
  return new HubClient(options);
}
