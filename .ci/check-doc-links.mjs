#!/usr/bin/env node
// Checks every relative link of the repository's Markdown files: the file exists inside the
// repository, and a #fragment names a heading of it (GitHub's anchors). Links to web pages are
// not followed. Run from anywhere: node .ci/check-doc-links.mjs; exits 1 and lists what is broken.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const skip = new Set(['node_modules', 'target', '.git']);

function markdownFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    if (skip.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

function anchors(file) {
  const seen = new Map();
  const result = new Set();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

const broken = [];
for (const file of markdownFiles(root)) {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1];
    if (/^[a-z]+:/i.test(target)) continue;
    const [path, fragment] = target.split('#');
    const resolved = path ? resolve(dirname(file), path) : file;
    const where = `${relative(root, file)}: ${target}`;
    if (relative(root, resolved).startsWith('..')) broken.push(`${where} (outside the repository)`);
    else if (!existsSync(resolved)) broken.push(`${where} (no such file)`);
    else if (fragment && !(resolved.endsWith('.md') && anchors(resolved).has(fragment))) {
      broken.push(`${where} (no such heading)`);
    }
  }
}
if (broken.length) {
  console.error(`broken links:\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
console.log('every relative link resolves');
