// useHub and useChannel against a real hub node (hub.jar child on port 0), rendered with
// react-test-renderer: connection state, events to the latest callback, no resubscribe when the
// callback changes, unsubscribe on unmount.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import TestRenderer from 'react-test-renderer';
import WebSocket from 'ws';
import { HubClient } from '@hub/client';
import { HubProvider, useChannel, useHub } from '../hub-react.js';
import { startNode, stopAll, until } from '../../js/test-support/nodes.js';

globalThis.IS_REACT_ACT_ENVIRONMENT = false;
let node;
const clients = [];

before(async () => { node = await startNode(); });
after(async () => {
  for (const c of clients) c.close();
  await stopAll();
});

function Tasks({ onEvent }) {
  const { isConnected, lastEvent } = useChannel('tasks', onEvent);
  return createElement('p', null, `${isConnected ? 'online' : 'offline'} ${lastEvent ? lastEvent.taskId : '-'}`);
}

let sendFromHook;
function Status() {
  const { state, node: id, send } = useHub();
  sendFromHook = send;
  return createElement('span', null, `${state}@${id}`);
}

test('useChannel delivers events to the latest callback and reflects the connection', async () => {
  const hub = new HubClient({ url: node.url, user: 'react', WebSocket });
  const publisher = new HubClient({ url: node.url, user: 'server', WebSocket });
  clients.push(hub, publisher);
  const firstCalls = [];
  const secondCalls = [];
  const tree = (onEvent) => createElement(HubProvider, { client: hub },
    createElement(Tasks, { onEvent }), createElement(Status));
  const renderer = TestRenderer.create(tree((e) => firstCalls.push(e.taskId)));
  const text = () => renderer.root.findAllByType('p')[0].children.join('') + ' ' + renderer.root.findByType('span').children.join('');

  await until(() => text().startsWith('online -'), `online, got "${text()}"`);
  assert.equal(text(), `online - connected@${node.node}`);
  await until(() => hub.channels.has('tasks') && hub.position('tasks') === null && hub.pending.size === 0, 'subscribed');

  await publisher.publish('tasks', { type: 'task_created', taskId: 124 });
  await until(() => firstCalls.length === 1, 'the first callback');
  await until(() => text().startsWith('online 124'), 'the last event rendered');

  // A new callback identity (an inline arrow on every render) must not resubscribe.
  const sent = [];
  const originalSend = hub.socket.send.bind(hub.socket);
  hub.socket.send = (data) => { sent.push(JSON.parse(data)); originalSend(data); };
  renderer.update(tree((e) => secondCalls.push(e.taskId)));
  await publisher.publish('tasks', { type: 'task_created', taskId: 125 });
  await until(() => secondCalls.length === 1, 'the new callback');
  assert.deepEqual(firstCalls, [124]);
  assert.deepEqual(secondCalls, [125]);
  assert.deepEqual(sent.filter((f) => f.type === 'subscribe' || f.type === 'unsubscribe'), []);

  // useHub's send: the shorthand broadcast frame of the original clients reaches everyone.
  const chats = [];
  publisher.on('event', (event) => { if (event.type === 'chat') chats.push(event); });
  sendFromHook({ type: 'chat', payload: { message: 'Hello' } });
  await until(() => chats.length === 1, 'the chat sent through useHub');
  assert.equal(chats[0].from, 'react');

  renderer.unmount();
  await until(() => !hub.channels.has('tasks'), 'unmount unsubscribes');
  await until(() => sent.some((f) => f.type === 'unsubscribe' && f.channel === 'tasks'), 'the unsubscribe frame');
});

test('useHub without a provider or client says what is missing', () => {
  const errors = [];
  const original = console.error;
  console.error = () => {};
  try {
    TestRenderer.create(createElement(Status));
  } catch (e) {
    errors.push(e.message);
  } finally {
    console.error = original;
  }
  assert.match(errors[0], /HubProvider/);
});
