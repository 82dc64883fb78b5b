/**
 * Benchmark: cold load of the dashboard until its charts are drawn, where the
 * time goes, and the initial bundle size. `npm run bench -w portal` (part of
 * `make bench`; BENCH_RUNS=N, default 9).
 *
 * What "cold" means here: the real appliance (`flowprobe run`) replaying the
 * e2e capture has been up for BENCH_SETTLE_S (10 s: its tables and the live
 * backlog are filled, as on a running probe) and has answered one discarded
 * load (the server's first requests are not counted). Each measured run is a
 * NEW Chromium with a fresh profile directory: empty HTTP cache, no service
 * worker, no localStorage; only the session cookie of an admin who signed in
 * earlier (through the API) is set. The browser is then left idle for
 * BENCH_BROWSER_IDLE_MS (3000) before the page opens /dashboard: a browser an
 * admin already has open. What a Chromium does in its first seconds (its own
 * WebUI renderers, profile set-up) runs on the same two cores and is not the
 * dashboard's; BENCH_BROWSER_IDLE_MS=0 opens the page right after the browser
 * started, as this benchmark did before.
 *
 * What "charts drawn" means: the throughput line chart's canvas reports points
 * (`data-points` > 0: chart.js drew the live series, from the backlog the
 * WebSocket sends after its hello) AND the applications doughnut's canvas
 * reports slices (`data-points` > 0, from /flows/summary). Both attributes are
 * set right after chart.js drew into the canvas. An init script (test
 * instrumentation, not part of the portal) records, in the page's clock
 * (`performance.now()`, ms since navigation start), the moment each attribute
 * first turns positive and the next animation frame after both (the frame that
 * shows them), and when the WebSocket's hello and backlog arrive.
 *
 * Also measured: the page's main-thread CPU time until then (Chromium's
 * TaskDuration in thread ticks: what the page costs, which a busy shared machine
 * inflates far less than the wall time), the milestones on the way (index.html,
 * main.js, GET /auth/me, the last script, the WebSocket's hello and backlog,
 * each API answer) and the bytes transferred.
 *
 * Reported per measure: median, min and max over the runs, and the machine's
 * load average before and after (two shared cores: the figures move with it).
 * BENCH_COMPARE_DIST=<folder of another build>: a second appliance serves that build and the
 * runs alternate between the two (A B, B A, ...), so both see the same moments of a shared machine.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { INITIAL_ADMIN_PASSWORD, PORTAL_DIST, RunningAppliance, startAppliance } from './appliance';
import { launchBrowser } from './browser';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 9);
const SETTLE_S = Number(process.env['BENCH_SETTLE_S'] ?? 10);
/** How long a new browser is left idle before the page is opened, ms (see above). */
const BROWSER_IDLE_MS = Number(process.env['BENCH_BROWSER_IDLE_MS'] ?? 3000);
const PASSWORD = 'bench-admin-Pa55-2';
/** The target for the first contentful paint and for "charts drawn", ms. */
const TARGET_MS = 1000;

/** Files the browser must load before the app starts: index.html's scripts, styles and modulepreloads. */
function initialBundle(dir: string): { files: { name: string; bytes: number; gzipBytes: number }[]; bytes: number; gzipBytes: number } {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const names = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const files = [...new Set(names)].map((name) => {
    const content = readFileSync(join(dir, name));
    return { name, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  });
  return { files, bytes: files.reduce((n, f) => n + f.bytes, 0), gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0) };
}

interface Stats {
  median: number;
  min: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return { median: NaN, min: NaN, max: NaN };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: Math.round(median), min: Math.round(sorted[0]), max: Math.round(sorted[sorted.length - 1]) };
}

/** What one cold load measured, ms since navigation start (bytes for `transferredBytes`). */
type RunTimes = Record<string, number>;

/**
 * Installed before any script of the page: records when each chart's canvas first
 * reports points, the frame after, and the WebSocket's first messages. Serialised
 * into the page by playwright (no closure over this file).
 */
function instrument(): void {
  const marks: Record<string, number> = {};
  (window as unknown as { __bench: Record<string, number> }).__bench = marks;
  const charts: Record<string, string> = { throughput: '[data-testid=throughput-chart] canvas', applications: '[data-testid=applications-chart] canvas' };
  const check = () => {
    for (const [name, selector] of Object.entries(charts)) {
      if (marks[name] !== undefined) continue;
      if (Number(document.querySelector<HTMLCanvasElement>(selector)?.dataset['points'] ?? 0) > 0) marks[name] = performance.now();
    }
    if (marks['throughput'] !== undefined && marks['applications'] !== undefined && marks['chartsDrawn'] === undefined) {
      marks['chartsDrawn'] = Math.max(marks['throughput'], marks['applications']);
      requestAnimationFrame(() => (marks['chartsShown'] = performance.now()));
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-points'] });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      marks['wsCreated'] ??= performance.now();
      this.addEventListener('open', () => (marks['wsOpen'] ??= performance.now()));
      this.addEventListener('message', (event: MessageEvent) => {
        const type = /"type":"(\w+)"/.exec(String(event.data).slice(0, 40))?.[1];
        if (type === 'hello') marks['wsHello'] ??= performance.now();
        if (type === 'backlog') marks['wsBacklog'] ??= performance.now();
      });
    }
  };
}

/** Resource timings worth naming: the initial files, the lazy chunks and each API call (its path, by when its answer ended). */
function readPage(): RunTimes {
  const out: Record<string, number> = { ...(window as unknown as { __bench: Record<string, number> }).__bench };
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  out['documentEnd'] = nav.responseEnd;
  out['domContentLoaded'] = nav.domContentLoadedEventEnd;
  const paint = performance.getEntriesByType('paint');
  out['firstPaint'] = paint.find((e) => e.name === 'first-paint')?.startTime ?? NaN;
  out['firstContentfulPaint'] = paint.find((e) => e.name === 'first-contentful-paint')?.startTime ?? NaN;
  let transferred = nav.transferSize;
  let scripts = 0;
  let lastScript = 0;
  let lastApi = 0;
  for (const e of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
    transferred += e.transferSize;
    const url = new URL(e.name);
    if (url.pathname.endsWith('.js')) {
      scripts++;
      lastScript = Math.max(lastScript, e.responseEnd);
      if (/^\/main-/.test(url.pathname)) out['mainJsEnd'] = e.responseEnd;
    } else if (url.pathname.startsWith('/api/v1/')) {
      const key = `api ${url.pathname.slice('/api/v1/'.length)}${url.searchParams.has('state') ? `?state=${url.searchParams.get('state')}` : ''}`;
      out[`${key} start`] = e.startTime;
      out[`${key} end`] = e.responseEnd;
      lastApi = Math.max(lastApi, e.responseEnd);
    }
  }
  out['lastScriptEnd'] = lastScript;
  out['lastApiEnd'] = lastApi;
  out['scripts'] = scripts;
  out['transferredBytes'] = transferred;
  return out;
}

/** An appliance serving one build of the portal, signed in. */
interface Variant {
  label: string;
  dir: string;
  appliance: RunningAppliance;
  cookie: { name: string; value: string };
  runs: RunTimes[];
}

async function startVariant(label: string, dir: string): Promise<Variant> {
  const appliance = await startAppliance(INITIAL_ADMIN_PASSWORD, 'development', { portalDir: dir });
  // Sign in once and clear the first-login password change, through the API.
  const login = await fetch(`${appliance.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: INITIAL_ADMIN_PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const changed = await fetch(`${appliance.baseUrl}/api/v1/users/me/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ current_password: INITIAL_ADMIN_PASSWORD, new_password: PASSWORD }),
  });
  if (!login.ok || !changed.ok) {
    await appliance.stop();
    throw new Error(`sign-in failed: ${login.status} / ${changed.status}`);
  }
  const [name, value] = cookie.split('=');
  return { label, dir, appliance, cookie: { name, value }, runs: [] };
}

/** One cold load of /dashboard in a new Chromium with a fresh profile and only the session cookie. */
async function coldLoad(v: Variant): Promise<RunTimes> {
  const browser = await launchBrowser();
  try {
    await browser.context.addCookies([{ ...v.cookie, url: v.appliance.baseUrl }]);
    await browser.context.addInitScript(instrument);
    const page = browser.page;
    // Main-thread CPU time (thread ticks), which a busy shared machine does not inflate as it does the wall time.
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    if (BROWSER_IDLE_MS > 0) await new Promise((r) => setTimeout(r, BROWSER_IDLE_MS));
    await page.goto(`${v.appliance.baseUrl}/dashboard`, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { __bench?: Record<string, number> }).__bench?.['chartsShown'] !== undefined, undefined, {
      timeout: 60_000,
      polling: 100,
    });
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => 1000 * (metrics.find((m) => m.name === name)?.value ?? NaN);
    if (process.env['BENCH_WATERFALL'] === '1')
      console.log(
        await page.evaluate(() =>
          (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
            .map((e) => `${e.startTime.toFixed(0).padStart(6)} ${e.requestStart.toFixed(0).padStart(6)} ${e.responseStart.toFixed(0).padStart(6)} ${e.responseEnd.toFixed(0).padStart(6)} ${String(e.encodedBodySize).padStart(7)} ${new URL(e.name).pathname}${new URL(e.name).search}`)
            .join('\n'),
        ),
      );
    // Let the remaining requests (alerts, places...) finish so their timings are complete.
    await page.waitForLoadState('networkidle').catch(() => undefined);
    return {
      ...(await page.evaluate(readPage)),
      // CPU ms of the page's main thread until the charts were shown (a little after: read once they were).
      cpuMainThread: metric('TaskDuration'),
      cpuScript: metric('ScriptDuration'),
      cpuLayoutStyle: metric('LayoutDuration') + metric('RecalcStyleDuration'),
    };
  } finally {
    await browser.close();
  }
}

function report(v: Variant, loadBefore: number[], loadAfter: number[]): void {
  const keys = [...new Set(v.runs.flatMap((r) => Object.keys(r)))];
  const measures: Record<string, Stats> = {};
  for (const key of keys) measures[key] = stats(v.runs.map((r) => r[key] ?? NaN));
  const bundle = initialBundle(v.dir);
  console.log(
    JSON.stringify(
      {
        build: v.label,
        portal: v.dir,
        runs: v.runs.length,
        browserIdleMs: BROWSER_IDLE_MS,
        loadAverage: { before: loadBefore, after: loadAfter },
        /** ms since navigation start (medians, min, max over the runs); transferredBytes in bytes. */
        measures,
        initialBundle: { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes, files: bundle.files },
      },
      null,
      2,
    ),
  );
  const m = (key: string) => measures[key] ?? { median: NaN, min: NaN, max: NaN };
  const fmt = (key: string) => `${m(key).median} ms (${m(key).min}–${m(key).max})`;
  console.log(
    [
      `dashboard cold load [${v.label}], ${v.runs.length} runs, new browser idle ${BROWSER_IDLE_MS} ms before the page, median (min–max), load ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after:`,
      `  first contentful paint   ${fmt('firstContentfulPaint')} (target < ${TARGET_MS} ms: ${m('firstContentfulPaint').median < TARGET_MS ? 'met' : 'NOT met'})`,
      `  charts drawn             ${fmt('chartsDrawn')} (target < ${TARGET_MS} ms: ${m('chartsDrawn').median < TARGET_MS ? 'met' : 'NOT met'}); shown at the next frame ${fmt('chartsShown')}`,
      `    throughput (backlog)   ${fmt('throughput')}`,
      `    applications doughnut  ${fmt('applications')}`,
      `  main-thread CPU until then ${fmt('cpuMainThread')}: script ${m('cpuScript').median} ms, layout and style ${m('cpuLayoutStyle').median} ms`,
      `  where the time goes: document ${m('documentEnd').median} ms, main.js ${m('mainJsEnd').median} ms, /auth/me ${m('api auth/me start').median}→${m('api auth/me end').median} ms, ` +
        `last script ${m('lastScriptEnd').median} ms, WebSocket created ${m('wsCreated').median} ms, open ${m('wsOpen').median} ms, backlog ${m('wsBacklog').median} ms, ` +
        `/flows/summary ${m('api flows/summary start').median}→${m('api flows/summary end').median} ms, last API answer ${m('lastApiEnd').median} ms`,
      `  transferred ${(m('transferredBytes').median / 1024).toFixed(1)} KiB in ${m('scripts').median} scripts + API; ` +
        `initial bundle ${(bundle.bytes / 1024).toFixed(1)} KiB (${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzip)`,
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((l) => Math.round(l * 10) / 10);
  const variants: Variant[] = [];
  try {
    variants.push(await startVariant('this build', PORTAL_DIST));
    // BENCH_COMPARE_DIST=<folder of another build>: a second appliance serves it, the runs alternate between the two.
    const compare = process.env['BENCH_COMPARE_DIST'];
    if (compare) variants.push(await startVariant(`compared: ${compare}`, compare));
    // Let the capture fill the tables and the live backlog first, as on a running appliance.
    await new Promise((r) => setTimeout(r, SETTLE_S * 1000));
    // Run 0 warms each server up (its first answers compile code paths) and is not counted.
    for (let run = 0; run <= RUNS; run++) {
      const order = run % 2 ? [...variants].reverse() : variants;
      for (const v of order) {
        const times = await coldLoad(v);
        if (run > 0) v.runs.push(times);
      }
    }
    const loadAfter = loadavg().map((l) => Math.round(l * 10) / 10);
    for (const v of variants) report(v, loadBefore, loadAfter);
  } finally {
    for (const v of variants) await v.appliance.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
