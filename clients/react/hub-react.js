// @hub/react: React hooks on top of @hub/client. Plain ESM, no JSX, no build step.
//
//   const hub = new HubClient({ url: 'wss://hub.example.com/ws', token: getToken });
//   root.render(createElement(HubProvider, { client: hub }, createElement(App)));
//   function Tasks() {
//     const { isConnected } = useChannel('tasks', (event) => { if (event.type === 'task_created') refresh(); });
//   }
import { createContext, createElement, useContext, useEffect, useRef, useState, useCallback } from 'react';
import { HubClient } from '@hub/client';

const HubContext = createContext(null);

/** Makes one client available to every hook below it. Give it a `client`, or `options` to create one (closed on unmount). */
export function HubProvider({ client, options, children }) {
  const owned = useRef(null);
  if (!client && !owned.current) owned.current = new HubClient(options);
  const hub = client || owned.current;
  useEffect(() => () => { if (owned.current) { owned.current.close(); owned.current = null; } }, []);
  return createElement(HubContext.Provider, { value: hub }, children);
}

/**
 * The client from the nearest HubProvider (or one given explicitly) and its connection state,
 * re-rendering on every state change: { hub, state, isConnected, node, send }.
 */
export function useHub(client) {
  const fromContext = useContext(HubContext);
  const hub = client || fromContext;
  if (!hub) throw new Error('useHub: no client; wrap the tree in <HubProvider> or pass one');
  const [snapshot, setSnapshot] = useState(() => ({ state: hub.state, node: hub.node }));
  useEffect(() => {
    setSnapshot({ state: hub.state, node: hub.node });
    return hub.on('state', (state) => setSnapshot({ state, node: hub.node }));
  }, [hub]);
  // `send` keeps the old useWebSocket hook's shape: any frame, queued while disconnected.
  const send = useCallback((frame) => hub.send(frame), [hub]);
  return { hub, state: snapshot.state, node: snapshot.node, isConnected: snapshot.state === 'connected', send };
}

/**
 * Subscribes to `channel` for as long as the component is mounted (and the channel name stays the
 * same), calling the latest `onEvent` with every event; changing a callback does not resubscribe.
 * The latest `onReset(frame)` is called when what the component got is not continuous with what
 * follows (a new epoch, or a resume that could not recover: reload what it shows), the latest
 * `onEnd(frame)` when the hub ends the subscription (a refreshed token no longer allows it).
 * Returns { isConnected, state, lastEvent, ended, publish }; `ended` is the hub's `unsubscribed`
 * frame once it ended the subscription, else null.
 */
export function useChannel(channel, onEvent, { client, onReset, onEnd } = {}) {
  const { hub, state, isConnected } = useHub(client);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const notices = useRef({ onReset, onEnd });
  notices.current = { onReset, onEnd };
  const [lastEvent, setLastEvent] = useState(null);
  const [ended, setEnded] = useState(null);
  useEffect(() => {
    setEnded(null);
    if (!channel) return undefined;
    return hub.subscribe(channel, (event) => {
      setLastEvent(event);
      if (handler.current) handler.current(event);
    }, {
      onReset: (frame) => notices.current.onReset?.(frame),
      onEnd: (frame) => {
        setEnded(frame);
        notices.current.onEnd?.(frame);
      },
    });
  }, [hub, channel]);
  const publish = useCallback((event) => hub.publish(channel, event), [hub, channel]);
  return { isConnected, state, lastEvent, ended, publish };
}

export { HubContext };
