// The client against real hub nodes: `java -jar hub/target/hub.jar` children on port 0.
// Two nodes form a cluster (history channel `feed`); two standalone nodes serve the heartbeat
// and graceful-shutdown tests. Every node is killed by PID in the after hook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
import { HubClient } from '../hub-client.js';
import { startCluster, startNode, stopAll, configFile, freePort, until, kill } from '../test-support/nodes.js';

const FEED = { channels: [{ pattern: 'feed', history: { size: 1000, ttl: '10m' }, presence: true }] };
let a, b, c, d;
const clients = [];

function client(options) {
  const hub = new HubClient({ WebSocket, backoff: { min: 50, max: 500, factor: 2 }, ...options });
  clients.push(hub);
  return hub;
}

function states(hub) {
  const seen = [];
  hub.on('state', (state, info) => seen.push({ state, ...info }));
  return seen;
}

before(async () => {
  [[a, b], c, d] = await Promise.all([
    startCluster(2, { config: configFile(FEED) }),
    startNode({ config: configFile({ heartbeatMs: 400 }) }),
    startNode(),
  ]);
  // Both cluster members must see each other before cross-node delivery is asserted.
  assert.equal(Math.max(a.members, b.members), 2, 'the two nodes formed one cluster');
});

after(async () => {
  for (const hub of clients) hub.close();
  await stopAll();
});

test('every node serves this client at /hub-client.js and the console at /', async () => {
  const served = await fetch(`${a.http}/hub-client.js`);
  assert.equal(served.status, 200);
  assert.match(served.headers.get('content-type'), /javascript/);
  assert.equal(await served.text(), readFileSync(new URL('../hub-client.js', import.meta.url), 'utf8'),
    'the jar serves the same bytes as clients/js/hub-client.js (rebuild the jar if this fails)');
  const page = await fetch(`${b.http}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="\/console.js">/);
  assert.equal((await fetch(`${b.http}/console.js`)).status, 200);
  assert.equal((await fetch(`${b.http}/console.css`)).status, 200);
});

test('connects to the next URL when the first node is down', async () => {
  const dead = `ws://127.0.0.1:${await freePort()}/ws`;
  const hub = client({ urls: [dead, a.url], user: 'failover', autoConnect: false });
  const seen = states(hub);
  hub.connect();
  await until(() => hub.isConnected, 'connected');
  assert.equal(hub.node, a.node);
  assert.deepEqual(seen.map((s) => s.state), ['connecting', 'disconnected', 'connecting', 'connected']);
  assert.equal(seen[1].next, a.url);
  hub.close();
});

test('publish, subscribe, presence, history and rpc are matched to their replies by id', async () => {
  const alice = client({ url: a.url, user: 'alice' });
  const bob = client({ url: b.url, user: 'bob' });
  const got = [];
  const unsubscribe = bob.subscribe('feed', (event) => got.push(event));
  await unsubscribe.ready;
  const ack = await alice.publish('feed', { type: 'task_created', taskId: 124 });
  assert.equal(typeof ack.offset, 'number');
  assert.equal(typeof ack.epoch, 'string');
  await until(() => got.length === 1, 'bob receives the event published on the other node');
  assert.equal(got[0].type, 'task_created');
  assert.equal(got[0].from, 'alice');
  assert.equal(got[0].offset, ack.offset);

  const presence = await alice.presence('feed');
  assert.deepEqual(presence.users.map((u) => u.user), ['bob']);
  const history = await alice.history('feed', { limit: 10 });
  assert.ok(history.messages.some((m) => m.taskId === 124));

  await assert.rejects(alice.rpc('nobody.serves.this', { x: 1 }, { timeout: 2000 }), { code: 'no_handler' });
  await assert.rejects(alice.publish('bad channel!', { type: 'x' }), { code: 'bad_channel' });

  const directs = [];
  bob.on('event', (event) => { if (event.type === 'duty-update') directs.push(event); });
  await alice.direct('bob', { type: 'duty-update', data: { id: 7 } });
  await until(() => directs.length === 1, 'the direct event');

  unsubscribe();
  alice.close();
  bob.close();
});

test('binary events reach subscribers with their payload bytes', async () => {
  const reader = client({ url: b.url, user: 'reader' });
  const got = [];
  await reader.subscribe('files', (event) => got.push(event)).ready;
  const raw = new WebSocket(`${a.url}?user=uploader`);
  await new Promise((resolve, reject) => { raw.once('open', resolve); raw.once('error', reject); });
  const header = Buffer.from(JSON.stringify({ type: 'publish', channel: 'files', event: { type: 'file', name: 'x.bin' } }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  raw.send(Buffer.concat([length, header, Buffer.from([1, 2, 3, 250])]), { binary: true });
  await until(() => got.length === 1, 'the binary event');
  raw.close();
  assert.equal(got[0].type, 'file');
  assert.equal(got[0].name, 'x.bin');
  assert.equal(got[0].from, 'uploader');
  assert.deepEqual([...got[0].binary], [1, 2, 3, 250]);
  reader.close();
});

test('after SIGKILL of its node: fails over, calls the token function again, resubscribes, recovers with no gap or duplicate, flushes the offline queue in order', async () => {
  let tokenCalls = 0;
  // A long backoff so the test decides when the client comes back (reconnectNow), not a timer.
  const victim = client({
    urls: [a.url, b.url], user: 'victim', token: async () => `token-${++tokenCalls}`,
    backoff: { min: 60000, max: 60000, factor: 2 },
  });
  const observer = client({ url: b.url, user: 'observer' });
  const received = [];
  const observed = [];
  await victim.subscribe('feed', (event) => received.push(event)).ready;
  await observer.subscribe('feed', (event) => observed.push(event)).ready;
  assert.equal(victim.node, a.node);
  assert.equal(tokenCalls, 1);

  for (let n = 1; n <= 3; n++) await victim.publish('feed', { type: 'live', n });
  await until(() => received.length === 3, 'three live events');

  const disconnected = new Promise((resolve) => victim.on('state', (s, info) => s === 'disconnected' && resolve(info)));
  await kill(a.child, 'SIGKILL');
  const info = await disconnected;
  assert.equal(info.next, b.url);

  // While the victim is away: it queues three publishes, and the observer publishes three more.
  const queuedAcks = [4, 5, 6].map((n) => victim.publish('feed', { type: 'queued', n }));
  assert.equal(victim.queue.length, 3);
  for (let n = 7; n <= 9; n++) await observer.publish('feed', { type: 'missed', n });

  victim.reconnectNow();
  await until(() => victim.isConnected, 'the victim reconnected');
  assert.equal(victim.node, b.node, 'failed over to the second node');
  assert.equal(tokenCalls, 2, 'the token function was called again for the reconnect');
  await Promise.all(queuedAcks);
  await until(() => received.length === 9, 'nine events on the victim', 20000);

  const offsets = received.map((e) => e.offset);
  for (let i = 1; i < offsets.length; i++) assert.equal(offsets[i], offsets[i - 1] + 1, `no gap or duplicate: ${offsets}`);
  assert.equal(new Set(received.map((e) => e.epoch)).size, 1);
  assert.deepEqual(received.filter((e) => e.type === 'missed').map((e) => e.n), [7, 8, 9], 'recovered what was missed');
  assert.deepEqual(received.filter((e) => e.type === 'queued').map((e) => e.n), [4, 5, 6], 'the queue was flushed in order');
  await until(() => observed.filter((e) => e.type === 'queued').length === 3, 'the observer sees the queued events');
  assert.deepEqual(observed.filter((e) => e.type === 'queued').map((e) => e.n), [4, 5, 6]);
  victim.close();
  observer.close();
});

test('a silent connection is declared dead after 2.5 heartbeats and the next URL is tried', async () => {
  const hub = client({ urls: [c.url, d.url], user: 'silent' });
  await until(() => hub.isConnected, 'connected to the node with a 400 ms heartbeat');
  assert.equal(hub.node, c.node);
  assert.equal(hub.heartbeat, 400);
  const started = Date.now();
  process.kill(c.pid, 'SIGSTOP');
  try {
    await until(() => hub.isConnected && hub.node === d.node, 'connected to the next node', 15000);
  } finally {
    process.kill(c.pid, 'SIGCONT');
  }
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1000, `not declared dead before 2.5 heartbeats (${elapsed} ms)`);
  hub.close();
});

test('a graceful shutdown (reconnect frame, close 1012) moves to the next URL at once', async () => {
  const hub = client({ urls: [d.url, b.url], user: 'graceful', backoff: { min: 60000, max: 60000, factor: 2 } });
  const seen = states(hub);
  await until(() => hub.isConnected && hub.node === d.node, 'connected to d');
  await kill(d.child, 'SIGTERM');
  await until(() => hub.isConnected && hub.node === b.node, 'connected to b without waiting the 60 s backoff', 15000);
  const drop = seen.find((s) => s.state === 'disconnected');
  assert.equal(drop.delay, 0);
  hub.close();
});
