// The reconnect schedule, asserted on what the client computes with an injected random source
// and injected timers: no sleeping, no real node needed (every attempt fails at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubClient, backoffDelay } from '../hub-client.js';

/** A WebSocket whose every connection attempt fails (as a refused TCP connection does). */
class RefusedSocket {
  static urls = [];
  constructor(url) {
    RefusedSocket.urls.push(url);
    queueMicrotask(() => this.onclose?.({ code: 1006, reason: '' }));
  }
  send() { throw new Error('not open'); }
  close() {}
}

/** Timers that run only when the test says so, and a clock that moves only with them. */
function manualTimers() {
  let now = 0;
  let nextHandle = 1;
  const pending = new Map();
  return {
    pending,
    setTimeout: (fn, ms) => { const h = nextHandle++; pending.set(h, { fn, ms, at: now + ms }); return h; },
    clearTimeout: (h) => { pending.delete(h); },
    now: () => now,
    /** Runs the earliest timer, advancing the clock to it. */
    runNext() {
      const [h, t] = [...pending].sort((a, b) => a[1].at - b[1].at)[0];
      pending.delete(h);
      now = t.at;
      t.fn();
      return t;
    },
  };
}

function sequence(values) {
  let i = 0;
  return () => values[i++ % values.length];
}

test('backoffDelay is a full-jitter draw under a capped exponential', () => {
  const opts = { min: 100, max: 1000, factor: 2 };
  assert.equal(backoffDelay(0, opts, () => 0.5), 50);
  assert.equal(backoffDelay(3, opts, () => 0.5), 400);
  assert.equal(backoffDelay(10, opts, () => 0.5), 500, 'capped at max');
  assert.equal(backoffDelay(10, opts, () => 0), 0);
  assert.equal(backoffDelay(2, { min: 10, max: 1e6, factor: 3 }, () => 0.999), 89);
});

test('reconnect delays grow exponentially with jitter, cap at max, and rotate through the URLs', async () => {
  const randoms = [0.5, 0.9, 0.1, 0.99, 0.3, 0.7, 0.25, 0.6];
  const timers = manualTimers();
  let tokenCalls = 0;
  RefusedSocket.urls = [];
  const states = [];
  const hub = new HubClient({
    urls: ['ws://a.invalid/ws', 'ws://b.invalid/ws'],
    token: async () => `t${++tokenCalls}`,
    WebSocket: RefusedSocket,
    backoff: { min: 100, max: 1000, factor: 2 },
    random: sequence(randoms),
    timers,
  });
  hub.on('state', (state, info) => states.push({ state, ...info }));
  const attempts = randoms.length;
  for (let i = 0; i < attempts; i++) {
    // Wait for the failed attempt to schedule its retry, then fire that retry.
    while (timers.pending.size === 0) await new Promise((r) => setImmediate(r));
    const fired = timers.runNext();
    const scheduled = states.filter((s) => s.state === 'disconnected');
    assert.equal(fired.ms, scheduled[i].delay, 'the timer waits the delay the state change announced');
  }
  hub.close();
  const delays = states.filter((s) => s.state === 'disconnected').map((s) => s.delay).slice(0, attempts);
  const ceilings = [100, 200, 400, 800, 1000, 1000, 1000, 1000];
  assert.deepEqual(delays, ceilings.map((c, i) => Math.floor(randoms[i] * c)));
  assert.deepEqual(delays, [50, 180, 40, 792, 300, 700, 250, 600]);
  assert.ok(RefusedSocket.urls.length >= attempts);
  RefusedSocket.urls.forEach((url, i) => {
    assert.ok(url.startsWith(i % 2 === 0 ? 'ws://a.invalid/ws?token=' : 'ws://b.invalid/ws?token='), url);
    assert.ok(url.endsWith(`token=t${i + 1}`), 'a fresh token for every attempt');
  });
  assert.equal(hub.state, 'closed');
});

test('a full offline queue drops the oldest frame or rejects the new one, as configured', async () => {
  const dropping = new HubClient({ url: 'ws://x.invalid/ws', WebSocket: RefusedSocket, autoConnect: false, queue: { max: 2 } });
  const dropped = [];
  dropping.on('dropped', (frame) => dropped.push(frame.event.n));
  const first = dropping.publish('c', { type: 'e', n: 1 });
  dropping.publish('c', { type: 'e', n: 2 });
  dropping.publish('c', { type: 'e', n: 3 });
  await assert.rejects(first, { code: 'queue_full' });
  assert.deepEqual(dropped, [1]);
  assert.deepEqual(dropping.queue.map((item) => item.frame.event.n), [2, 3]);
  dropping.close();

  const rejecting = new HubClient({ url: 'ws://x.invalid/ws', WebSocket: RefusedSocket, autoConnect: false, queue: { max: 1, overflow: 'reject' } });
  rejecting.publish('c', { type: 'e', n: 1 });
  await assert.rejects(rejecting.publish('c', { type: 'e', n: 2 }), { code: 'queue_full' });
  assert.throws(() => rejecting.send({ type: 'e', n: 3 }), { code: 'queue_full' });
  assert.deepEqual(rejecting.queue.map((item) => item.frame.event.n), [1]);
  rejecting.close();
});
