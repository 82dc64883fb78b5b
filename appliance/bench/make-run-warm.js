#!/usr/bin/env node
/**
 * `make run` warm start (issue 17, item 4): on a tree that is already built,
 * how long from typing `make run` until
 *   - the portal answers (GET / → 200 with the app's index.html), and
 *   - the demo's hosts are listed (GET /api/v1/hosts, signed in, ≥ 1 host).
 *
 * Each round is the whole command a user types, as a process group of its own
 * (make → node flowprobe run), stopped by its process group afterwards. The demo's
 * state (database, history) goes to a temporary XDG_STATE_HOME: the first round
 * creates it (first start: schema, admin user), the next rounds find it (the warm
 * start an admin sees every day); both are printed. The HTTP port is a free one
 * (FLOWPROBE_HTTP_PORT), so a running `make run` on 3000 is left alone.
 *
 *   node appliance/bench/make-run-warm.js        (part of `npm run bench -w appliance`)
 *   ROUNDS=5 (default 4: one first start and three warm starts)
 */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const rounds = Number(process.env.ROUNDS ?? 4);
const TIMEOUT_MS = 120_000;
const PASSWORD = 'bench-initial-password-1';
const NEW_PASSWORD = 'bench-changed-password-2';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function request(url, init = {}) {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch {
    return undefined; // not listening yet
  }
}

function stopGroup(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, 20_000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    try { process.kill(-child.pid, 'SIGTERM'); } catch { clearTimeout(kill); resolve(); }
  });
}

async function round(stateDir, first) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(stateDir, `make-run-${Date.now()}.log`), 'w');
  const t0 = performance.now();
  const child = spawn('make', ['-s', 'run'], {
    cwd: root,
    detached: true, // its own process group: stopped as a whole below
    stdio: ['ignore', log, log],
    env: { ...process.env, XDG_STATE_HOME: stateDir, FLOWPROBE_HTTP_PORT: String(port), FLOWPROBE_ADMIN_PASSWORD: PASSWORD },
  });
  fs.closeSync(log);
  try {
    let portalMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`make run exited with ${child.exitCode}`);
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error('portal did not answer in time');
      const res = await request(`${base}/`);
      if (res && res.status === 200 && /<app-root|<html/i.test(res.text)) { portalMs = performance.now() - t0; break; }
      await sleep(25);
    }
    // Sign in (the first start's admin must change the initial password first).
    let cookie = '';
    const post = async (p, body) => {
      const res = await request(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
      const set = res?.headers.get('set-cookie');
      if (set && set.startsWith('flowprobe_session=')) cookie = set.split(';')[0];
      return res;
    };
    const login = await post('/api/v1/auth/login', { username: 'admin', password: first ? PASSWORD : NEW_PASSWORD });
    if (login?.status !== 200) throw new Error(`login: ${login?.status} ${login?.text}`);
    if (first) {
      const change = await post('/api/v1/users/me/password', { current_password: PASSWORD, new_password: NEW_PASSWORD });
      if (change?.status !== 204) throw new Error(`password change: ${change?.status} ${change?.text}`);
    }
    let hostsMs;
    let hosts = 0;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`make run exited with ${child.exitCode}`);
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error('no hosts listed in time');
      const res = await request(`${base}/api/v1/hosts?limit=10`, { headers: { cookie } });
      if (res?.status === 200) {
        const body = JSON.parse(res.text);
        hosts = (body.items ?? body.hosts ?? body.data ?? []).length;
        if (hosts > 0) { hostsMs = performance.now() - t0; break; }
      }
      await sleep(100);
    }
    return { portalMs, hostsMs, hosts };
  } finally {
    await stopGroup(child);
  }
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `${(med / 1000).toFixed(2)} s (${(s[0] / 1000).toFixed(2)}-${(s[s.length - 1] / 1000).toFixed(2)})`;
}

async function main() {
  // The premise of a warm start: the tree is built. Build now (not timed) so every round is warm.
  execFileSync('make', ['-s', 'build'], { cwd: root, stdio: 'inherit' });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-make-run-'));
  const load = () => os.loadavg()[0].toFixed(2);
  console.log(`## make run warm start: ${rounds} rounds (first start, then warm starts on the same state), load ${load()}`);
  const warm = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const r = await round(stateDir, i === 0);
      console.log(`  ${i === 0 ? 'first start' : 'warm start '}: portal ${(r.portalMs / 1000).toFixed(2)} s, hosts listed ${(r.hostsMs / 1000).toFixed(2)} s (${r.hosts} hosts), load ${load()}`);
      if (i > 0) warm.push(r);
    }
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  if (warm.length) {
    console.log(`  warm start, median (min-max) of ${warm.length}: portal answering ${stats(warm.map((r) => r.portalMs))} (target ≤ 10 s), ` +
      `demo hosts listed ${stats(warm.map((r) => r.hostsMs))} (target ≤ 15 s)`);
  }
}

main().catch((e) => {
  console.error(`make-run-warm: ${e.message}`);
  process.exit(1);
});
