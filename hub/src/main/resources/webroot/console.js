// The live console: a page every node serves at /, built on /hub-client.js.
// Query parameters preset the form: ?urls=ws://a/ws,ws://b/ws&user=alice&token=...&subscribe=tasks,feed
// and the reconnect backoff: &backoff=<min>,<max>,<factor> (ms).
import { HubClient } from '/hub-client.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const ownUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const MAX_LOG = 500;
const MAX_TOASTS = 4;

let hub = null;
const subscriptions = new Map(); // channel -> unsubscribe
let statsTimer = null;

$('urls').value = params.get('urls') || ownUrl;
$('user').value = params.get('user') || `console-${Math.random().toString(36).slice(2, 7)}`;
$('token').value = params.get('token') || '';

// ---- connection ---------------------------------------------------------------------------------

function connect() {
  if (hub) hub.close();
  const urls = $('urls').value.split(',').map((u) => u.trim()).filter(Boolean);
  const token = $('token').value.trim();
  hub = new HubClient({
    urls,
    user: $('user').value.trim() || undefined,
    // Read the field on every attempt, so a pasted fresh token is used by the next reconnect.
    token: token ? () => $('token').value.trim() : undefined,
    backoff: backoffFromParams(),
    autoConnect: false,
  });
  hub.on('state', onState);
  hub.on('event', onEvent);
  hub.on('subscribed', (reply) => log('system', `subscribed ${reply.channel}` +
    (reply.recovered === true ? ' (recovered)' : reply.recovered === false ? ' (not recovered: history lost)' : '')));
  hub.on('error', (error) => log('system', `error ${error.code || ''} ${error.message}`));
  hub.on('dropped', (frame) => log('system', `offline queue full, dropped ${JSON.stringify(frame)}`));
  const channels = [...subscriptions.keys()];
  subscriptions.clear();
  channels.forEach(subscribe);
  hub.connect();
}

function backoffFromParams() {
  const [min, max, factor] = (params.get('backoff') || '').split(',').map(Number);
  return { ...(min >= 0 && { min }), ...(max > 0 && { max }), ...(factor >= 1 && { factor }) };
}

function onState(state, info) {
  const status = $('status');
  status.dataset.state = state;
  $('status-text').textContent = state;
  $('status-node').textContent = state === 'connected' ? `node ${info.node}` : '';
  if (state === 'connected') {
    log('system', `connected to ${info.url} (node ${info.node})`);
    refreshStats();
    clearInterval(statsTimer);
    statsTimer = setInterval(refreshStats, 5000);
  } else if (state === 'disconnected') {
    log('system', `disconnected from ${info.url}; next: ${info.next} in ${info.delay} ms`);
  } else if (state === 'closed') {
    clearInterval(statsTimer);
    $('cluster-body').textContent = 'not connected';
  }
}

$('connect-form').addEventListener('submit', (e) => { e.preventDefault(); connect(); });
$('disconnect').addEventListener('click', () => hub && hub.close());

// ---- channels -----------------------------------------------------------------------------------

function subscribe(channel) {
  if (!channel || subscriptions.has(channel)) return;
  const unsubscribe = hub.subscribe(channel, () => { /* shown by the 'event' listener */ });
  unsubscribe.ready.catch((error) => { removeChip(channel); log('system', `subscribe ${channel}: ${error.code}`); });
  subscriptions.set(channel, unsubscribe);
  const chip = document.createElement('li');
  chip.dataset.channel = channel;
  chip.append(channel);
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = '×';
  remove.title = `unsubscribe from ${channel}`;
  remove.setAttribute('aria-label', `unsubscribe from ${channel}`);
  remove.addEventListener('click', () => {
    subscriptions.get(channel)?.();
    removeChip(channel);
    log('system', `unsubscribed ${channel}`);
  });
  chip.append(remove);
  $('subscriptions').append(chip);
}

function removeChip(channel) {
  subscriptions.delete(channel);
  $('subscriptions').querySelector(`li[data-channel="${CSS.escape(channel)}"]`)?.remove();
}

$('subscribe-form').addEventListener('submit', (e) => {
  e.preventDefault();
  subscribe($('channel').value.trim());
  $('channel').value = '';
});

// ---- publishing ---------------------------------------------------------------------------------

function eventFromForm() {
  const text = $('event-body').value.trim();
  const fields = text ? JSON.parse(text) : {};
  return { ...fields, type: $('event-type').value.trim() };
}

async function send(kind) {
  const result = $('publish-result');
  try {
    const event = eventFromForm();
    const channel = $('publish-channel').value.trim();
    const ack = kind === 'publish' && channel ? await hub.publish(channel, event) : await hub.broadcast(event);
    result.textContent = ack.offset != null ? `acknowledged: offset ${ack.offset}, epoch ${ack.epoch}` : 'acknowledged';
  } catch (error) {
    result.textContent = `failed: ${error.code || ''} ${error.message}`;
  }
}

$('publish-form').addEventListener('submit', (e) => { e.preventDefault(); send('publish'); });
$('broadcast-button').addEventListener('click', () => send('broadcast'));

// ---- log and toasts -----------------------------------------------------------------------------

function onEvent(event) {
  log(event.channel || (event.type === 'join' || event.type === 'leave' ? 'presence' : 'all'), JSON.stringify(event), event.type);
  toast(event);
}

function log(tag, text, type) {
  const item = document.createElement('li');
  if (type) item.dataset.type = type;
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = new Date().toLocaleTimeString();
  const label = document.createElement('span');
  label.className = tag === 'system' ? 'tag system' : 'tag';
  label.textContent = tag;
  const body = document.createElement('span');
  body.className = 'body';
  body.textContent = text;
  item.append(time, label, body);
  const list = $('log');
  list.prepend(item);
  while (list.children.length > MAX_LOG) list.lastChild.remove();
}

function toast(event) {
  const box = document.createElement('div');
  box.className = 'toast';
  box.dataset.type = event.type;
  const title = document.createElement('strong');
  title.textContent = event.channel ? `${event.type} on ${event.channel}` : event.type;
  const detail = document.createElement('span');
  const message = event.payload?.message ?? event.message ?? event.data ?? '';
  detail.textContent = typeof message === 'string' ? message : JSON.stringify(message);
  box.append(title, detail);
  const toasts = $('toasts');
  toasts.append(box);
  while (toasts.children.length > MAX_TOASTS) toasts.firstChild.remove();
  setTimeout(() => box.remove(), 5000);
}

$('clear-log').addEventListener('click', () => { $('log').textContent = ''; });

// ---- cluster panel ------------------------------------------------------------------------------

// GET /api/stats (docs/protocol.md section 8) is read tolerantly: its exact shape is not pinned yet, so
// known spellings are looked for and anything else is shown as plain key/values. Until a node
// serves it, the panel shows what the connection itself knows. Override window.hubConsole.renderStats
// to render a richer shape.
async function refreshStats() {
  if (!hub || !hub.isConnected) return;
  const httpBase = (hub.currentUrl || ownUrl).replace(/^ws/, 'http').replace(/\/ws(\?.*)?$/, '');
  const headers = $('token').value.trim() ? { authorization: `Bearer ${$('token').value.trim()}` } : {};
  let stats = null;
  for (const base of [...new Set([httpBase, location.origin])]) {
    try {
      const response = await fetch(`${base}/api/stats`, { headers });
      if (response.ok) { stats = await response.json(); break; }
    } catch { /* another node, CORS, or not served: try the next */ }
  }
  window.hubConsole.renderStats(stats, { node: hub.node, connectionId: hub.connectionId, url: hub.currentUrl });
}

function normalizeStats(stats) {
  if (!stats || typeof stats !== 'object') return null;
  const count = (v) => (typeof v === 'number' ? v : v && typeof v === 'object' ? (v.count ?? v.total ?? v.local ?? null) : null);
  let raw = stats.nodes ?? stats.members ?? stats.cluster?.nodes ?? null;
  let nodes = null;
  if (Array.isArray(raw)) {
    nodes = raw.map((n) => (typeof n === 'string' ? { id: n, connections: null }
      : { id: n.id ?? n.node ?? n.nodeId ?? n.name ?? '?', connections: count(n.connections ?? n.connectionCount ?? n.clients ?? n.sessions) }));
  } else if (raw && typeof raw === 'object') {
    nodes = Object.entries(raw).map(([id, n]) => ({ id, connections: count(typeof n === 'object' ? (n.connections ?? n.connectionCount) : n) }));
  }
  return { nodes, connections: count(stats.connections), channels: count(stats.channels) };
}

function renderStats(stats, self) {
  const body = $('cluster-body');
  body.textContent = '';
  const normal = normalizeStats(stats);
  const table = document.createElement('table');
  table.innerHTML = '<thead><tr><th>node</th><th>connections</th></tr></thead>';
  const rows = document.createElement('tbody');
  const nodes = normal?.nodes?.length ? normal.nodes : [{ id: self.node, connections: null }];
  for (const n of nodes) {
    const row = document.createElement('tr');
    if (n.id === self.node) row.className = 'self';
    const id = document.createElement('td');
    id.textContent = n.id === self.node ? `${n.id} (this connection)` : n.id;
    const connections = document.createElement('td');
    connections.textContent = n.connections ?? '–';
    row.append(id, connections);
    rows.append(row);
  }
  table.append(rows);
  body.append(table);
  const note = document.createElement('p');
  note.className = 'muted';
  if (!stats) {
    note.textContent = 'GET /api/stats is not available on this node; showing the node this connection is on.';
  } else if (!normal.nodes) {
    note.textContent = Object.entries(stats).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k}: ${v}`).join(' · ');
  } else {
    const parts = [];
    if (normal.connections != null) parts.push(`${normal.connections} connections`);
    if (normal.channels != null) parts.push(`${normal.channels} channels`);
    note.textContent = parts.join(' · ');
  }
  body.append(note);
}

window.hubConsole = { get hub() { return hub; }, connect, subscribe, renderStats, normalizeStats, refreshStats };

connect();
for (const channel of (params.get('subscribe') || '').split(',').map((c) => c.trim()).filter(Boolean)) subscribe(channel);
