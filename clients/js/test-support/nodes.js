// Real hub nodes for the tests: `java -jar hub/target/hub.jar` children on port 0, the ready line
// parsed, each stopped by its PID when the test file ends.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const JAR = join(root, 'hub', 'target', 'hub.jar');
const READY = /hub ready node=(\S+) port=(\d+) cluster=(\S+) members=(\d+)/;
const started = new Set();

/** A config file with the given JSON, in a fresh temporary directory. */
export function configFile(json) {
  const dir = mkdtempSync(join(tmpdir(), 'hub-client-test-'));
  const file = join(dir, 'hub.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

/** A port nobody listens on right now (bound to 0, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts one node; resolves once it printed its ready line.
 * @param {{config?: string, clusterName?: string, clusterPort?: number, members?: string[], timeoutMs?: number}} options
 */
export function startNode({ config, clusterName, clusterPort, members, timeoutMs = 90000 } = {}) {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: build it with mvn -q -pl hub -am package -DskipTests`);
  const args = ['-Xmx256m', '-jar', JAR, '--open', '--port', '0'];
  if (config) args.push('--config', config);
  args.push('--cluster-name', clusterName || `client-test-${process.pid}-${Math.random().toString(36).slice(2)}`);
  if (clusterPort) args.push('--cluster-port', String(clusterPort));
  if (members) args.push('--members', members.join(','));
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  child.on('exit', () => started.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop(child);
      reject(new Error(`node not ready in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        const port = Number(match[2]);
        resolve({
          child, pid: child.pid, node: match[1], port, members: Number(match[4]),
          url: `ws://127.0.0.1:${port}/ws`, http: `http://127.0.0.1:${port}`,
          output: () => output,
          kill: (signal = 'SIGKILL') => kill(child, signal),
        });
      }
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before ready:\n${output}`));
    });
  });
}

/** Sends a signal and resolves when the process has exited. */
export function kill(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(child.pid, signal);
  });
}

function stop(child) {
  try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
}

/** Kills every node this process started (after hooks). */
export async function stopAll() {
  await Promise.all([...started].map((child) => {
    try { process.kill(child.pid, 'SIGCONT'); } catch { /* gone */ }
    return kill(child, 'SIGKILL');
  }));
}

/** Starts n nodes of one cluster on free cluster ports, each listing all as members. */
export async function startCluster(n, { config } = {}) {
  const clusterName = `client-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const ports = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  const members = ports.map((p) => `127.0.0.1:${p}`);
  const nodes = await Promise.all(ports.map((clusterPort) => startNode({ config, clusterName, clusterPort, members })));
  return nodes;
}

/** Resolves when `predicate()` is true, polling every 20 ms; rejects after timeoutMs with `what`. */
export function until(predicate, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      let value;
      try { value = predicate(); } catch (e) { return reject(e); }
      if (value) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(check, 20);
    };
    check();
  });
}
