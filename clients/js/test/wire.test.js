// The client's side of the server's word on a live subscription (docs/protocol.md sections 4-6),
// driven through a fake WebSocket: the test plays the hub frame by frame, and timers run only
// when it says so. No node needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubClient, backoffDelay } from '../hub-client.js';

/** A WebSocket the test speaks for: it records what the client sends and delivers what the test says. */
class FakeSocket {
  static all = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    FakeSocket.all.push(this);
    queueMicrotask(() => this.onopen?.());
  }
  send(data) { this.sent.push(JSON.parse(data)); }
  close() {}
  /** A frame from the "hub". */
  server(frame) { this.onmessage?.({ data: JSON.stringify(frame) }); }
  /** The connection dies. */
  drop() { this.onclose?.({ code: 1006, reason: '' }); }
  ofType(type) { return this.sent.filter((f) => f.type === type); }
  last(type) { const all = this.ofType(type); return all[all.length - 1]; }
}

/** Timers that run only when the test says so. */
function manualTimers() {
  let nextHandle = 1;
  const pending = new Map();
  return {
    pending,
    setTimeout: (fn, ms) => { const h = nextHandle++; pending.set(h, { fn, ms }); return h; },
    clearTimeout: (h) => { pending.delete(h); },
    now: () => 0,
    run(handle) { const t = pending.get(handle); pending.delete(handle); t.fn(); return t; },
    newest() { return [...pending.keys()].pop(); },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A client connected to a fresh fake socket; returns it with its socket and timers. */
async function connected(options = {}) {
  const timers = manualTimers();
  const before = FakeSocket.all.length;
  const hub = new HubClient({ url: 'ws://hub.invalid/ws', WebSocket: FakeSocket, timers, random: () => 0.5,
    backoff: { min: 100, max: 1000, factor: 2 }, ...options });
  const socket = await connect(before);
  return { hub, socket, timers };
}

/** Waits for the client's socket after the first `before` ones, and says `connected` on it. */
async function connect(before) {
  while (FakeSocket.all.length === before) await settle();
  const socket = FakeSocket.all[FakeSocket.all.length - 1];
  socket.server({ type: 'connected', node: 'n', connectionId: `c${before}`, heartbeat: 30000 });
  return socket;
}

/** The connection drops; the reconnect timer fires; the new connection is up. */
async function reconnect(hub, socket, timers) {
  const before = FakeSocket.all.length;
  socket.drop();
  timers.run(hub.timer.reconnect);
  return connect(before);
}

/** Subscribes to `feed` and answers with a position; returns what the handler and hooks see. */
async function subscribed(hub, socket, reply = { offset: 5, epoch: 'E1' }) {
  const seen = { events: [], resets: [], ends: [] };
  const unsubscribe = hub.subscribe('feed', (event) => seen.events.push(event), {
    onReset: (frame) => seen.resets.push(frame), onEnd: (frame) => seen.ends.push(frame),
  });
  const frame = socket.last('subscribe');
  socket.server({ type: 'subscribed', id: frame.id, channel: 'feed', ...reply });
  await unsubscribe.ready;
  return { seen, unsubscribe };
}

const tick = (offset, epoch, more = {}) => ({ type: 'tick', channel: 'feed', offset, epoch, ...more });

test('a forged-looking event does not move the resume position', async () => {
  const { hub, socket, timers } = await connected();
  const { seen } = await subscribed(hub, socket);
  const all = [];
  hub.on('event', (event) => all.push(event));

  const held = { offset: 6, epoch: 'E1' };
  socket.server(tick(6, 'E1'));
  assert.deepEqual(hub.position('feed'), held);
  socket.server({ type: 'alert', channel: 'feed', offset: 999, epoch: 'forged' });
  assert.deepEqual(hub.position('feed'), held, 'an event naming another epoch');
  socket.server({ type: 'tick', channel: 'other', offset: 1000, epoch: 'E1' });
  socket.server({ type: 'alert', offset: 2000, epoch: 'E1' });
  assert.deepEqual(hub.position('feed'), held, 'events of no subscribed channel');
  socket.server(tick(6, 'E1', { duplicate: true }));
  assert.deepEqual(hub.position('feed'), held);
  assert.deepEqual(seen.events.map((e) => e.offset), [6, 999], 'feed events only, the duplicate dropped');
  assert.equal(all.length, 4, 'every event but the duplicate reaches the "event" listeners');
  const resumed = await reconnect(hub, socket, timers);
  assert.deepEqual(resumed.last('subscribe').since, { offset: 6, epoch: 'E1' });
  hub.close();
});

test('an unsolicited subscribed with a new epoch is adopted, reported as a reset, and delivery goes on', async () => {
  const { hub, socket } = await connected();
  const { seen } = await subscribed(hub, socket);
  const resets = [];
  hub.on('reset', (frame) => resets.push(frame));
  socket.server(tick(6, 'E1'));

  const notice = { type: 'subscribed', channel: 'feed', offset: 0, epoch: 'E2', recovered: false };
  socket.server(notice);
  assert.deepEqual(hub.position('feed'), { offset: 0, epoch: 'E2' });
  assert.deepEqual(seen.resets, [notice]);
  assert.deepEqual(resets, [notice]);

  socket.server(tick(1, 'E2'));
  assert.deepEqual(seen.events.map((e) => `${e.epoch}/${e.offset}`), ['E1/6', 'E2/1']);
  assert.deepEqual(hub.position('feed'), { offset: 1, epoch: 'E2' });
  hub.close();
});

test('a resume that cannot recover is reported as a reset and takes the new position', async () => {
  const { hub, socket, timers } = await connected();
  const { seen } = await subscribed(hub, socket);
  const resumed = await reconnect(hub, socket, timers);
  const frame = resumed.last('subscribe');
  assert.deepEqual(frame.since, { offset: 5, epoch: 'E1' });
  const reply = { type: 'subscribed', id: frame.id, channel: 'feed', offset: 9, epoch: 'E3', recovered: false };
  resumed.server(reply);
  await settle();
  assert.deepEqual(seen.resets, [reply]);
  assert.deepEqual(hub.position('feed'), { offset: 9, epoch: 'E3' });
  hub.close();
});

test('unsubscribed for overflow subscribes again at once from the last position held', async () => {
  const { hub, socket } = await connected();
  const { seen } = await subscribed(hub, socket);
  socket.server(tick(6, 'E1'));
  socket.server({ type: 'unsubscribed', channel: 'feed', reason: 'overflow' });

  const again = socket.last('subscribe');
  assert.equal(socket.ofType('subscribe').length, 2);
  assert.deepEqual(again.since, { offset: 6, epoch: 'E1' });
  socket.server({ type: 'subscribed', id: again.id, channel: 'feed', offset: 8, epoch: 'E1', recovered: true });
  await settle();
  socket.server(tick(7, 'E1'));
  socket.server(tick(8, 'E1'));
  assert.deepEqual(seen.events.map((e) => e.offset), [6, 7, 8]);
  assert.deepEqual(seen.ends, []);
  assert.deepEqual(hub.position('feed'), { offset: 8, epoch: 'E1' });
  hub.close();
});

test('unsubscribed as forbidden ends the subscription and tells the application', async () => {
  const { hub, socket, timers } = await connected();
  const { seen, unsubscribe } = await subscribed(hub, socket);
  const ended = [];
  hub.on('unsubscribed', (frame) => ended.push(frame));
  const notice = { type: 'unsubscribed', channel: 'feed', reason: 'forbidden' };
  socket.server(notice);
  assert.deepEqual(seen.ends, [notice]);
  assert.deepEqual(ended, [notice]);
  assert.equal(hub.position('feed'), null);

  socket.server(tick(6, 'E1'));
  assert.deepEqual(seen.events, [], 'no more events for the ended subscription');
  unsubscribe();
  assert.equal(socket.ofType('unsubscribe').length, 0, 'nothing to unsubscribe from');
  const resumed = await reconnect(hub, socket, timers);
  assert.equal(resumed.ofType('subscribe').length, 0, 'not subscribed again after a reconnect');
  hub.close();
});

test('unavailable in reply to subscribe is retried with the reconnect backoff until it succeeds', async () => {
  const { hub, socket, timers } = await connected();
  const errors = [];
  hub.on('error', (e) => errors.push(e.code));
  const got = [];
  const unsubscribe = hub.subscribe('feed', (event) => got.push(event));
  let settled = false;
  unsubscribe.ready.then(() => { settled = true; }, () => { settled = true; });

  const delays = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const frame = socket.last('subscribe');
    socket.server({ type: 'error', id: frame.id, code: 'unavailable', message: 'no majority' });
    await settle();
    assert.equal(settled, false, 'the subscription is not given up');
    const retry = timers.newest();
    delays.push(timers.pending.get(retry).ms);
    timers.run(retry);
  }
  assert.deepEqual(delays, [0, 1].map((n) => backoffDelay(n, { min: 100, max: 1000, factor: 2 }, () => 0.5)));
  assert.deepEqual(delays, [50, 100]);
  const third = socket.last('subscribe');
  assert.equal(socket.ofType('subscribe').length, 3);
  socket.server({ type: 'subscribed', id: third.id, channel: 'feed', offset: 0, epoch: null });
  const reply = await unsubscribe.ready;
  assert.equal(reply.id, third.id);
  assert.deepEqual(errors, ['unavailable', 'unavailable']);

  // A history channel without an epoch yet takes the one of its first event.
  socket.server(tick(1, 'E1'));
  assert.deepEqual(hub.position('feed'), { offset: 1, epoch: 'E1' });
  assert.equal(got.length, 1);
  hub.close();
});

test('an unsubscribe during the retry wait cancels the retry', async () => {
  const { hub, socket, timers } = await connected();
  const unsubscribe = hub.subscribe('feed', () => {});
  socket.server({ type: 'error', id: socket.last('subscribe').id, code: 'unavailable', message: 'no majority' });
  await settle();
  const retry = timers.newest();
  assert.equal(timers.pending.get(retry).ms, 50);
  unsubscribe();
  assert.equal(timers.pending.has(retry), false, 'the retry is cancelled');
  assert.equal(socket.ofType('subscribe').length, 1);
  hub.close();
});
