/**
 * Benchmark: cold load of the dashboard until its charts are drawn, and the
 * initial bundle size. `npm run bench -w portal` (part of `make bench`).
 *
 * Each run is a fresh Chromium profile (empty HTTP cache) with a signed-in
 * session cookie, opening /dashboard on the real appliance replaying the e2e
 * capture. Times are read in the page (performance.now(), ms since navigation
 * start): `doughnut` = the applications doughnut drawn from the REST answers,
 * `throughput` = the live chart drawn from the first WebSocket sample.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { INITIAL_ADMIN_PASSWORD, PORTAL_DIST, startAppliance } from './appliance';
import { launchBrowser } from './browser';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const INITIAL_PASSWORD = INITIAL_ADMIN_PASSWORD;
const PASSWORD = 'bench-admin-Pa55-2';

/** Files the browser must load before the app starts: index.html's scripts, styles and modulepreloads. */
function initialBundle(): { files: { name: string; bytes: number; gzipBytes: number }[]; bytes: number; gzipBytes: number } {
  const html = readFileSync(join(PORTAL_DIST, 'index.html'), 'utf8');
  const names = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const files = [...new Set(names)].map((name) => {
    const content = readFileSync(join(PORTAL_DIST, name));
    return { name, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  });
  return { files, bytes: files.reduce((n, f) => n + f.bytes, 0), gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0) };
}

function stats(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

async function main(): Promise<void> {
  const appliance = await startAppliance(INITIAL_PASSWORD);
  try {
    // Sign in once and clear the first-login password change, through the API.
    const login = await fetch(`${appliance.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: INITIAL_PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const changed = await fetch(`${appliance.baseUrl}/api/v1/users/me/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ current_password: INITIAL_PASSWORD, new_password: PASSWORD }),
    });
    if (!login.ok || !changed.ok) throw new Error(`sign-in failed: ${login.status} / ${changed.status}`);
    const [name, value] = cookie.split('=');
    // Let the capture fill the tables first, as on a running appliance.
    await new Promise((r) => setTimeout(r, 10_000));

    const firstPaint: number[] = [];
    const chartsDrawn: number[] = [];
    const doughnut: number[] = [];
    const throughput: number[] = [];
    const transferred: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const browser = await launchBrowser();
      try {
        await browser.context.addCookies([{ name, value, url: appliance.baseUrl }]);
        const page = browser.page;
        await page.goto(`${appliance.baseUrl}/dashboard`, { waitUntil: 'commit' });
        const drawn = (sel: string) =>
          page.waitForFunction((s) => Number(document.querySelector<HTMLCanvasElement>(s)?.dataset['points'] ?? 0) > 0 && performance.now(), sel, {
            timeout: 30_000,
            polling: 'raf',
          });
        doughnut.push(Number(await (await drawn('[data-testid=applications-chart] canvas')).jsonValue()));
        throughput.push(Number(await (await drawn('[data-testid=throughput-chart] canvas')).jsonValue()));
        chartsDrawn.push(Math.max(doughnut[doughnut.length - 1], throughput[throughput.length - 1]));
        firstPaint.push(
          await page.evaluate(() => performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? performance.getEntriesByType('paint')[0]?.startTime ?? NaN),
        );
        transferred.push(
          await page.evaluate(() =>
            performance.getEntriesByType('resource').reduce((n, e) => n + (e as PerformanceResourceTiming).transferSize, 0) +
            (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).transferSize,
          ),
        );
      } finally {
        await browser.close();
      }
    }
    const bundle = initialBundle();
    const result = {
      runs: RUNS,
      /** The machine's load while it ran (1, 5, 15 min): a shared machine moves these figures. */
      loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      firstContentfulPaintMs: stats(firstPaint),
      chartsDrawnMs: stats(chartsDrawn),
      doughnutDrawnMs: stats(doughnut),
      throughputDrawnMs: stats(throughput),
      transferredBytes: stats(transferred),
      initialBundle: { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes, files: bundle.files },
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `dashboard cold load, median of ${RUNS} (load ${result.loadAverage.join(' ')}): first contentful paint ${Math.round(result.firstContentfulPaintMs.median)} ms, ` +
        `all charts drawn ${Math.round(result.chartsDrawnMs.median)} ms (target < 1000 ms); doughnut drawn ${Math.round(result.doughnutDrawnMs.median)} ms, ` +
        `throughput chart drawn ${Math.round(result.throughputDrawnMs.median)} ms; initial bundle ${(bundle.bytes / 1024).toFixed(1)} KiB ` +
        `(${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzip)`,
    );
  } finally {
    await appliance.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
