// The console page in headless Chromium, against a two-node cluster of real hub processes:
// one page per node; an event published on the first page shows in the second's log and as a
// toast; killing the first page's node moves it to the other, and it recovers what was published
// meanwhile. Screenshots go to test/screenshots/ (gitignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startCluster, stopAll, configFile, kill } from '../test-support/nodes.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
const FEED = { channels: [{ pattern: 'feed', history: { size: 1000, ttl: '10m' } }] };
let a, b, browser;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  [[a, b], browser] = await Promise.all([
    startCluster(2, { config: configFile(FEED) }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 60000,
    }),
  ]);
});

after(async () => {
  await browser?.close();
  await stopAll();
});

async function openConsole(node, query, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${node.http}/?${new URLSearchParams(query)}`);
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20000 });
  await page.locator('#log li', { hasText: 'subscribed feed' }).first().waitFor({ timeout: 20000 });
  page.errors = errors;
  return page;
}

test('an event published on one node reaches the other page; a page whose node dies fails over and recovers', async () => {
  // The first page knows both nodes and waits long before reconnecting, so the test can publish
  // while it is away (the jitter's random source is pinned to its maximum below).
  const first = await openConsole(a, { urls: `${a.url},${b.url}`, user: 'ana', subscribe: 'feed', backoff: '6000,6000,1' });
  const second = await openConsole(b, { urls: b.url, user: 'ben', subscribe: 'feed' });
  assert.match(await first.locator('#status-node').textContent(), new RegExp(a.node));
  assert.match(await second.locator('#status-node').textContent(), new RegExp(b.node));

  await first.fill('#publish-channel', 'feed');
  await first.fill('#event-type', 'task_created');
  await first.fill('#event-body', '{"payload":{"message":"hello from the first node"}}');
  await first.click('#publish-button');
  await second.locator('#log li', { hasText: 'hello from the first node' }).waitFor({ timeout: 10000 });
  await second.locator('.toast', { hasText: 'hello from the first node' }).waitFor({ timeout: 10000 });
  await first.locator('#publish-result', { hasText: 'acknowledged: offset' }).waitFor({ timeout: 10000 });
  await second.screenshot({ path: `${SHOTS}console-desktop.png` });

  await first.evaluate(() => { window.hubConsole.hub.random = () => 0.999; });
  await kill(a.child, 'SIGKILL');
  await first.waitForSelector('#status[data-state="disconnected"]', { timeout: 10000 });

  await second.fill('#publish-channel', 'feed');
  await second.fill('#event-type', 'task_created');
  await second.fill('#event-body', '{"payload":{"message":"published while the first page was away"}}');
  await second.click('#publish-button');
  await second.locator('#publish-result', { hasText: 'acknowledged: offset' }).waitFor({ timeout: 10000 });
  assert.notEqual(await first.evaluate(() => window.hubConsole.hub.state), 'connected',
    'the event was published before the first page came back, so it can only arrive by recovery');

  await first.waitForSelector('#status[data-state="connected"]', { timeout: 20000 });
  assert.match(await first.locator('#status-node').textContent(), new RegExp(b.node));
  await first.locator('#log li', { hasText: 'subscribed feed (recovered)' }).waitFor({ timeout: 10000 });
  await first.locator('#log li', { hasText: 'published while the first page was away' }).waitFor({ timeout: 10000 });
  await first.locator('.toast', { hasText: 'published while the first page was away' }).waitFor({ timeout: 10000 });
  assert.equal(await first.locator('#log li[data-type="task_created"]', { hasText: 'published while' }).count(), 1, 'no duplicate');
  await first.screenshot({ path: `${SHOTS}console-failover.png` });

  const phone = await openConsole(b, { urls: b.url, user: 'phone', subscribe: 'feed' }, { width: 390, height: 844 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (${overflow} px too wide)`);
  await phone.screenshot({ path: `${SHOTS}console-phone.png`, fullPage: true });

  for (const page of [first, second, phone]) assert.deepEqual(page.errors, [], 'no script errors');
});
