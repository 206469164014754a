// useChannel passes the hub's notices on a live subscription to the component (docs/protocol.md
// section 4): a reset (new epoch) to the latest onReset, the end of a subscription to onEnd and as
// `ended`. The hub is played by a fake WebSocket, frame by frame; no node needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import TestRenderer from 'react-test-renderer';
import { HubClient } from '@hub/client';
import { HubProvider, useChannel } from '../hub-react.js';

globalThis.IS_REACT_ACT_ENVIRONMENT = false;

class FakeSocket {
  static last;
  constructor() { this.sent = []; FakeSocket.last = this; }
  send(data) { this.sent.push(JSON.parse(data)); }
  close() {}
  server(frame) { this.onmessage?.({ data: JSON.stringify(frame) }); }
}

const noTimers = { setTimeout: () => 0, clearTimeout: () => {}, now: () => 0 };
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function until(condition, what) {
  for (let i = 0; i < 200 && !condition(); i++) await settle();
  assert.ok(condition(), what);
}

function Feed({ onReset, onEnd }) {
  const { ended } = useChannel('feed', () => {}, { onReset, onEnd });
  return createElement('p', null, ended ? `ended:${ended.reason}` : 'live');
}

test('useChannel reports a reset and the end of its subscription to the latest callbacks', async () => {
  const hub = new HubClient({ url: 'ws://hub.invalid/ws', WebSocket: FakeSocket, timers: noTimers });
  const socket = FakeSocket.last;
  socket.server({ type: 'connected', node: 'n', connectionId: 'c', heartbeat: 30000 });
  const first = [];
  const resets = [];
  const ends = [];
  const tree = (onReset) => createElement(HubProvider, { client: hub },
    createElement(Feed, { onReset, onEnd: (frame) => ends.push(frame) }));
  const renderer = TestRenderer.create(tree((frame) => first.push(frame)));
  await until(() => socket.sent.some((f) => f.type === 'subscribe'), 'the subscribe');
  const subscribe = socket.sent.find((f) => f.type === 'subscribe');
  socket.server({ type: 'subscribed', id: subscribe.id, channel: 'feed', offset: 5, epoch: 'E1' });
  await settle();

  renderer.update(tree((frame) => resets.push(frame)));
  const reset = { type: 'subscribed', channel: 'feed', offset: 0, epoch: 'E2', recovered: false };
  socket.server(reset);
  assert.deepEqual(first, [], 'the callback of an earlier render is not called');
  assert.deepEqual(resets, [reset]);
  assert.equal(socket.sent.filter((f) => f.type === 'subscribe').length, 1, 'a new callback does not resubscribe');

  const end = { type: 'unsubscribed', channel: 'feed', reason: 'forbidden' };
  socket.server(end);
  assert.deepEqual(ends, [end]);
  await until(() => renderer.root.findByType('p').children.join('') === 'ended:forbidden', 'rendered as ended');
  renderer.unmount();
  hub.close();
});
