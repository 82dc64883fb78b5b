/**
 * The portal end to end: Debian's Chromium (playwright-core) against the real
 * appliance replaying a shared capture, with a temp SQLite file and the shared
 * Redis. Tests run in order and share one appliance and one admin session;
 * each saves a screenshot of the page it covers under docs/screenshots/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { AlertPage, AlertView, ApplianceStatus, CheckInfo, FlowDetail, FlowListResponse, FlowTrafficSummary, HostListResponse, IpfixCollectorView, Settings } from '@flowprobe/api';
import type { Page } from 'playwright-core';
import { INITIAL_ADMIN_PASSWORD, RunningAppliance, startAppliance } from './appliance';
import { TestBrowser, canvasInk, launchBrowser, pngLuminance, screenshot, screenshotFile } from './browser';
import { UdpReceiver, startUdpReceiver } from './siem-receiver';
// Real collectors from Debian (nfdump's nfcapd), shared with the appliance's IPFIX tests.
import { Nfcapd } from '../../appliance/src/testing/ipfix-collectors';
import { writeTestGeoDatabases } from '../../appliance/src/testing/geo-databases';

const INITIAL_PASSWORD = INITIAL_ADMIN_PASSWORD;
const ADMIN_PASSWORD = 'e2e-admin-NewPa55';
/** Set from the user menu's "Change my password". */
const ADMIN_PASSWORD_2 = 'e2e-admin-Menu-Pa55';
const VIEWER = { username: 'e2e-viewer', initial: 'viewer-initial-1', password: 'viewer-changed-2' };
/** Upper bound for something the UI shows after a live sample or a poll (not a measurement). */
const UI_WAIT_MS = 20_000;

let appliance: RunningAppliance;
let browser: TestBrowser;
let page: Page;
let receiver: UdpReceiver;
let geoDir = '';
/** Every Content-Security-Policy violation and page error Chromium reports during the suite. */
const violations: string[] = [];

beforeAll(async () => {
  // Country and ASN databases the test writes itself (Debian's libmaxmind-db-writer-perl): never downloaded.
  geoDir = mkdtempSync(join(tmpdir(), 'flowprobe-e2e-geo-'));
  appliance = await startAppliance(INITIAL_PASSWORD, 'development', { geoip: writeTestGeoDatabases(geoDir) });
  browser = await launchBrowser();
  page = browser.page;
  page.setDefaultTimeout(UI_WAIT_MS);
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|apply|execute|connect|frame)/i.test(m.text())) violations.push(m.text());
  });
  page.on('pageerror', (err) => violations.push(`page error: ${err.message}`));
  receiver = await startUdpReceiver();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await appliance?.stop();
  if (geoDir) rmSync(geoDir, { recursive: true, force: true });
});

/** GET through the page's session (same cookie as the UI). */
async function api<T>(path: string): Promise<T> {
  const response = await page.request.get(`${appliance.baseUrl}${path}`);
  if (!response.ok()) throw new Error(`GET ${path}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Clicks a download link and returns the file's text. */
async function download(selector: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = await file.path();
  return readFileSync(path, 'utf8');
}

/** CSV (RFC 4180) as objects keyed by the header row. */
function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

async function signIn(username: string, password: string): Promise<void> {
  await page.goto(`${appliance.baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

async function changePassword(current: string, next: string): Promise<void> {
  await page.waitForURL('**/login/change-password');
  await page.fill('input[name=current]', current);
  await page.fill('input[name=new]', next);
  await page.fill('input[name=repeat]', next);
  await page.click('button[type=submit]');
  await page.waitForURL('**/dashboard');
}

async function signOut(): Promise<void> {
  await page.click('text=Sign out');
  await page.waitForURL('**/login');
}

describe('portal against the real appliance', () => {
  it('refuses a wrong password, then forces the first-login password change', async () => {
    await page.goto(`${appliance.baseUrl}/`);
    await page.waitForURL('**/login**');
    // A fresh install: the sign-in page says where the first password is (here: FLOWPROBE_ADMIN_PASSWORD).
    await expect(page.textContent('[data-testid=first-run-hint]')).resolves.toContain('FLOWPROBE_ADMIN_PASSWORD');
    await screenshot(page, 'login');

    await signIn('admin', 'not-the-password');
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('Wrong user name or password');

    await signIn('admin', INITIAL_PASSWORD);
    await page.waitForURL('**/login/change-password');
    await page.fill('input[name=current]', INITIAL_PASSWORD);
    await page.fill('input[name=new]', 'short');
    await expect(page.textContent('[data-testid=password-problem]')).resolves.toContain('At least 8 characters');
    await screenshot(page, 'change-password');
    await changePassword(INITIAL_PASSWORD, ADMIN_PASSWORD);

    // The new password is the one that works now; the hint is gone once the initial password was changed.
    await signOut();
    await expect(api<{ where: string }>('/api/v1/auth/first-run')).resolves.toEqual({ where: 'none' });
    await page.waitForSelector('[data-testid=first-run-state][data-where=none]', { state: 'attached' });
    await expect(page.locator('[data-testid=first-run-hint]').count()).resolves.toBe(0);
    await signIn('admin', ADMIN_PASSWORD);
    await page.waitForURL('**/dashboard');
  });

  it('draws the dashboard charts and keeps the throughput chart updating', async () => {
    await page.goto(`${appliance.baseUrl}/dashboard`);
    const throughput = '[data-testid=throughput-chart] canvas';
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLCanvasElement>(sel)?.dataset['points'] ?? 0) > 0, throughput);
    expect(await canvasInk(page, throughput)).toBeGreaterThan(500);
    // Download and upload (by the appliance's local networks) as two lines, with the total dashed over them.
    expect((await page.getAttribute(throughput, 'data-series'))?.split('|')).toEqual(['Download', 'Upload', 'Total']);
    await page.waitForFunction(() => /↓ [1-9].*↑ [1-9]/.test(document.querySelector('[data-testid=direction-bps]')?.textContent ?? ''));
    const firstPoints = Number(await page.getAttribute(throughput, 'data-points'));
    // New live samples arrive every second and are appended in place.
    await page.waitForFunction(
      ([sel, before]) => Number(document.querySelector<HTMLCanvasElement>(sel as string)?.dataset['points'] ?? 0) > (before as number),
      [throughput, firstPoints] as const,
    );

    const doughnut = '[data-testid=applications-chart] canvas';
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLCanvasElement>(sel)?.dataset['points'] ?? 0) > 0, doughnut);
    expect(await canvasInk(page, doughnut)).toBeGreaterThan(500);
    await page.waitForSelector('[data-testid=top-hosts] tbody tr');
    await page.waitForSelector('[data-testid=flow-table] tbody tr');
    await page.waitForSelector('[data-testid=interface-drops] tbody tr');
    await expect(page.locator('[data-testid=alerts-by-severity] li').count()).resolves.toBe(6);
    await expect(page.locator('[data-testid=live-status]').textContent()).resolves.toContain('Live');
    // A fuller chart for the screenshot: 20 live samples (20 s at the default 1 s period) of 3 lines.
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLCanvasElement>(sel)?.dataset['points'] ?? 0) >= 60, throughput, { timeout: 60_000 });
    await screenshot(page, 'dashboard');
  });

  it('opens a reloaded dashboard with its throughput chart already filled from the kept series', async () => {
    const throughput = '[data-testid=throughput-chart] canvas';
    await page.goto(`${appliance.baseUrl}/dashboard`);
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLCanvasElement>(sel)?.dataset['points'] ?? 0) >= 60, throughput);
    await page.reload();
    // The first drawing after the reload: a chart fed by the live samples alone would start at one sample (3 points).
    const handle = await page.waitForFunction((sel) => {
      const points = Number(document.querySelector<HTMLCanvasElement>(sel)?.dataset['points'] ?? 0);
      return points > 0 ? points : false;
    }, throughput);
    const firstPoints = (await handle.jsonValue()) as number;
    expect(firstPoints).toBeGreaterThanOrEqual(60);
    expect(await canvasInk(page, throughput)).toBeGreaterThan(500);
    // Not a flat line at zero: the total carries the replayed traffic.
    expect((await page.getAttribute(throughput, 'data-series'))?.split('|')).toEqual(['Download', 'Upload', 'Total']);
    expect(Number((await page.getAttribute(throughput, 'data-sums'))!.split('|')[2])).toBeGreaterThan(0);
    // No "waiting for the first sample" once the backlog is drawn.
    await expect(page.locator('text=Waiting for the first live sample').count()).resolves.toBe(0);
  });

  it('lists hosts sorted by traffic, server-side, and opens a host', async () => {
    await page.goto(`${appliance.baseUrl}/hosts`);
    await page.waitForSelector('[data-testid=host-table] tbody tr');
    // Ascending, then back to descending: the server's order, largest first.
    await page.click('[data-testid=sort-bytes] button');
    await page.waitForSelector('[data-testid=sort-bytes][aria-sort=ascending]');
    await page.click('[data-testid=sort-bytes] button');
    await page.waitForSelector('[data-testid=sort-bytes][aria-sort=descending]');
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('[data-testid=host-table] td[data-bytes]')].map((td) => Number(td.getAttribute('data-bytes')));
      return cells.length > 1 && cells.every((v, i) => i === 0 || cells[i - 1] >= v);
    });
    const shown = await page.$$eval('[data-testid=host-table] td[data-bytes]', (tds) => tds.map((td) => Number(td.getAttribute('data-bytes'))));
    const page1 = await api<HostListResponse>('/api/v1/hosts?sort=bytes&order=desc&limit=25&offset=0');
    expect(shown.length).toBe(Math.min(25, page1.total));
    for (let i = 1; i < shown.length; i++) expect(shown[i - 1]).toBeGreaterThanOrEqual(shown[i]);
    await screenshot(page, 'hosts');

    const firstIp = (await page.textContent('[data-testid=host-table] tbody tr:first-child td:first-child a'))!.trim();
    await page.click('[data-testid=host-table] tbody tr:first-child td:first-child a');
    await page.waitForURL(`**/hosts/${encodeURIComponent(firstIp)}**`);
    await expect(page.textContent('[data-testid=host-title]')).resolves.toBe(firstIp);
    await page.waitForSelector('[data-testid=host-stats]');
    // "Live" range: the host's throughput, polled, drawn on a canvas.
    await page.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid=host-traffic-chart] canvas')?.dataset['points'] ?? 0) >= 3);
    await page.waitForSelector('[data-testid=flow-table] tbody tr');
    await screenshot(page, 'host-detail');
  });

  it('filters flows by L4 protocol and application', async () => {
    await page.goto(`${appliance.baseUrl}/flows`);
    await page.waitForSelector('[data-testid=flow-table] tbody tr');
    await page.selectOption('select[name=l4]', 'UDP');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=flow-table] tbody tr')];
      return rows.length > 0 && rows.every((tr) => tr.children[1]?.textContent?.trim() === 'UDP');
    });
    await page.fill('input[name=l7]', 'DNS');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=flow-table] tbody tr')];
      return rows.length > 0 && rows.every((tr) => tr.children[0]?.textContent?.includes('DNS') && tr.children[1]?.textContent?.trim() === 'UDP');
    });
    const udpDns = await api<FlowListResponse>('/api/v1/flows?l4=UDP&l7=DNS&limit=1');
    expect(udpDns.total).toBeGreaterThan(0);
    await screenshot(page, 'flows');
  });

  it("opens a flow's details page with its risks, counters, Community ID and the alerts raised on it", async () => {
    // A flow with risks on which an alert was raised (the capture's TLS flows have some within seconds),
    // found in the flows table by its client endpoint. Flows end as the capture loops: the most recent first,
    // and another one if it ends before the table shows it.
    let chosen: { flow: FlowDetail; alerts: AlertPage } | undefined;
    const tried = new Set<string>();
    const deadline = Date.now() + 60_000;
    while (!chosen && Date.now() < deadline) {
      const risky = (await api<FlowListResponse>('/api/v1/flows?limit=1000&sort=last_seen')).data.filter((f) => f.risks.length > 0 && !tried.has(f.key));
      for (const f of risky) {
        tried.add(f.key);
        const res = await page.request.get(`${appliance.baseUrl}/api/v1/flows/${encodeURIComponent(f.key)}?ifid=${f.ifid}`);
        if (!res.ok()) continue;
        const flow = (await res.json()) as FlowDetail;
        const alerts = await api<AlertPage>(`/api/v1/alerts?state=past&entity=flow&entity_value=${encodeURIComponent(flow.alert_entity_value)}`);
        if (alerts.total === 0) continue;
        await page.goto(`${appliance.baseUrl}/flows`);
        await page.fill('input[name=host]', flow.client.ip);
        await page.fill('input[name=port]', String(flow.client.port));
        const shown = await page.waitForSelector(`[data-testid=flow-table] a[href="/flows/${flow.ifid}/${flow.key}"]`, { timeout: 10_000 }).catch(() => null);
        if (shown) {
          chosen = { flow, alerts };
          break;
        }
      }
      if (!chosen) await page.waitForTimeout(1000);
    }
    expect(chosen).toBeDefined();
    const { flow } = chosen!;
    const link = `a[href="/flows/${flow.ifid}/${flow.key}"]`;
    // Score and risks columns in the table.
    const row = page.locator('[data-testid=flow-table] tbody tr', { has: page.locator(link) });
    await expect(row.locator('[data-testid=flow-score]').textContent()).resolves.toMatch(/^\s*\d+\s*$/);
    await expect(row.locator('[data-testid=flow-risks]').textContent()).resolves.toContain(flow.risks[0]);
    await page.click(link);
    await page.waitForURL(`**/flows/${flow.ifid}/${flow.key}`);

    await page.waitForSelector('[data-testid=flow-stats]');
    await expect(page.textContent('[data-testid=flow-title]')).resolves.toContain(flow.protocol.l7);
    await expect(page.textContent('[data-testid=flow-client]')).resolves.toContain(`${flow.client.ip}:${flow.client.port}`);
    await expect(page.textContent('[data-testid=flow-server]')).resolves.toContain(`${flow.server.ip}:${flow.server.port}`);
    if (flow.server_name) await expect(page.textContent('[data-testid=flow-server-name]')).resolves.toBe(flow.server_name);
    if (flow.category) await expect(page.textContent('[data-testid=flow-category]')).resolves.toBe(flow.category);
    await expect(page.textContent('[data-testid=flow-score]')).resolves.toMatch(/^\d+$/);
    // Every risk with its explanation.
    const risks = await page.$$eval('[data-testid=flow-risk]', (lis) => lis.map((li) => ({ name: li.querySelector('strong')?.textContent ?? '', why: li.querySelector('div')?.textContent ?? '' })));
    expect(risks.map((r) => r.name)).toEqual(flow.risk_details.map((r) => r.name));
    for (const r of risks) expect(r.why.length).toBeGreaterThan(20);
    expect(Number(await page.getAttribute('[data-testid=c2s-bytes]', 'data-value'))).toBeGreaterThan(0);
    // TCP flags by name (they only accumulate while the page polls).
    const flags = (await page.textContent('[data-testid=c2s-flags]'))!.split(' ');
    expect(flags).toEqual(expect.arrayContaining(flow.tcp_flags.cli2srv));
    if (flow.protocol.l4 === 'TCP') expect(flow.tcp_flags.cli2srv.length).toBeGreaterThan(0);
    await expect(page.textContent('[data-testid=community-id]')).resolves.toBe(flow.community_id);
    expect(flow.community_id).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
    // And to the client's stored flows (History page) from a minute before it began.
    expect(await page.getAttribute('[data-testid=flow-history-link]', 'href')).toBe(`/history?host=${flow.client.ip}&from=${Math.floor((flow.first_seen - 60) * 1000)}`);
    // The alerts raised on it, listed on the page.
    await page.waitForSelector('[data-testid=flow-alerts] [data-testid=alert-table] tbody tr');
    const shownIds = await page.$$eval('[data-testid=flow-alerts] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-alert-id')));
    expect(shownIds).toEqual(expect.arrayContaining(chosen!.alerts.data.map((a) => a.id)));
    await screenshot(page, 'flow-detail');
    await page.click('[data-testid=flow-history-link]');
    await page.waitForURL('**/history?**');
    await page.waitForFunction((ip) => (document.querySelector('input[name=host]') as HTMLInputElement | null)?.value === ip, flow.client.ip);
  });

  it('downloads the alerts and the flows a table shows as CSV and JSON whose rows equal the API', async () => {
    // Past alerts do not change once stored: the CSV's rows equal the API's, field by field.
    await page.goto(`${appliance.baseUrl}/alerts`);
    await page.click('[role=tab] >> text=Past');
    await page.waitForSelector('[data-testid=alert-table] tbody tr', { timeout: 60_000 });
    const csvAlerts = parseCsv(await download('[data-testid=export-csv]'));
    const apiAlerts = (await api<AlertPage>('/api/v1/alerts?state=past&limit=1000')).data;
    expect(csvAlerts.length).toBeGreaterThan(0);
    const byId = new Map(apiAlerts.map((a) => [a.id, a]));
    for (const row of csvAlerts) {
      const a = byId.get(row['id'])!;
      expect(a).toBeDefined();
      expect(row).toMatchObject({
        state: 'past', time: a.time, end_time: a.end_time ?? '', severity: a.severity, score: String(a.score), check: a.check, title: a.title,
        description: a.description, entity_type: a.entity.type, entity_value: a.entity.value, host: a.host,
        acknowledged: String(a.acknowledged), details: JSON.stringify(a.details),
      });
    }
    // Alerts keep coming: every API alert older than the newest one exported is in the export (one raised in the
    // same second as that one may have been stored just after the export; every exported one is the API's, above).
    const newest = csvAlerts[0]['time'];
    const exported = new Set(csvAlerts.map((r) => r['id']));
    expect(apiAlerts.filter((a) => a.time < newest && !exported.has(a.id)).map((a) => a.id)).toEqual([]);

    // Flows with the table's filter (UDP): the same flows (by key, live counters aside) in both formats.
    await page.goto(`${appliance.baseUrl}/flows`);
    await page.selectOption('select[name=l4]', 'UDP');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=flow-table] tbody tr')].every((tr) => tr.children[1]?.textContent?.trim() === 'UDP'));
    expect(await page.getAttribute('[data-testid=export-csv]', 'href')).toContain('l4=UDP');
    const csvFlows = parseCsv(await download('[data-testid=export-csv]'));
    const jsonFlows = JSON.parse(await download('[data-testid=export-json]')) as FlowListResponse['data'];
    const apiFlows = (await api<FlowListResponse>('/api/v1/flows?l4=UDP&limit=1000')).data;
    expect(csvFlows.length).toBeGreaterThan(0);
    const apiByKey = new Map(apiFlows.map((f) => [f.key, f]));
    const still = csvFlows.filter((r) => apiByKey.has(r['key']));
    expect(still.length).toBeGreaterThan(csvFlows.length / 2);
    for (const row of still) {
      const f = apiByKey.get(row['key'])!;
      expect(row).toMatchObject({
        protocol_l4: 'UDP', protocol_l7: f.protocol.l7, client_ip: f.client.ip, client_port: String(f.client.port), server_ip: f.server.ip,
        server_port: String(f.server.port), category: f.category, first_seen: String(f.first_seen),
      });
    }
    expect(jsonFlows.every((f) => f.protocol.l4 === 'UDP')).toBe(true);
    const jsonKeys = new Set(jsonFlows.map((f) => f.key));
    for (const f of jsonFlows.filter((j) => apiByKey.has(j.key)).slice(0, 20)) {
      expect(Object.keys(f).sort()).toEqual(Object.keys(apiByKey.get(f.key)!).sort());
      // Live fields (counters, times, score and risks, which grow) aside, the same row.
      const stable = ({ thpt, last_seen, duration, bytes, cli2srv, srv2cli, score, risks, ...rest }: FlowListResponse['data'][number]) => rest;
      expect(stable(f)).toEqual(stable(apiByKey.get(f.key)!));
    }
    expect(jsonKeys.size).toBe(jsonFlows.length);
  });

  it('lists past alerts and acknowledges one; shows interfaces', async () => {
    // The navigation badge counts alerts pushed since Alerts was last opened, and opens the tab they are in.
    await page.goto(`${appliance.baseUrl}/dashboard`);
    await page.waitForSelector('[data-testid=alerts-badge]', { timeout: 60_000 });
    const href = (await page.getAttribute('[data-testid=nav-alerts]', 'href'))!;
    const tab = /[?&]tab=(past|engaged)/.exec(href)?.[1];
    expect(tab).toBeDefined();
    await page.click('[data-testid=nav-alerts]');
    await page.waitForSelector(`[role=tab][aria-selected=true] >> text=${tab === 'past' ? 'Past' : 'Engaged'}`);
    await page.waitForSelector('[data-testid=alert-table], .state-empty');
    // Flow alerts on the capture (weak TLS ciphers among others) are raised within seconds.
    await page.click('[role=tab] >> text=Past');
    await page.waitForSelector('[data-testid=alert-table] tbody tr', { timeout: 60_000 });
    const firstRow = '[data-testid=alert-table] tbody tr:first-child';
    const check = (await page.textContent(`${firstRow} td:nth-child(2)`))!.trim();
    expect(check).toMatch(/^[a-z0-9_]+$/);
    await screenshot(page, 'alerts');
    const id = (await page.getAttribute(firstRow, 'data-alert-id'))!;
    await page.click(`[data-testid=alert-table] tr[data-alert-id="${id}"] button >> text=Acknowledge`);
    // New alerts keep arriving, so look it up with the status filter rather than by position.
    await page.selectOption('select[name=acknowledged]', 'true');
    await page.waitForSelector(`[data-testid=alert-table] tr[data-alert-id="${id}"] >> text=acknowledged`);
    const rows = await page.$$eval('[data-testid=alert-table] tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows.every((text) => text.includes('acknowledged'))).toBe(true);

    await page.goto(`${appliance.baseUrl}/interfaces`);
    await page.waitForSelector('[data-testid=queue-table] tbody tr');
    const live = '[data-testid=interface-live-chart] canvas';
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLCanvasElement>(sel)?.dataset['points'] ?? 0) > 1, live);
    expect(await canvasInk(page, live)).toBeGreaterThan(500);
    expect(await page.getAttribute(live, 'data-series')).toBe('Download|Upload|Total');
    await screenshot(page, 'interfaces');
  });

  it("opens an alert's details, acknowledges the alerts of a filter in bulk, and shows checks with names and human units", async () => {
    await page.goto(`${appliance.baseUrl}/alerts`);
    await page.click('[role=tab] >> text=Past');
    await page.selectOption('select[name=entity]', 'flow');
    await page.selectOption('select[name=acknowledged]', 'false');
    const filtered = () =>
      page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid=alert-table] tbody tr')];
        return rows.length > 0 && rows.every((tr) => tr.children[2]?.querySelector('.badge')?.textContent?.trim() === 'flow' && !tr.textContent?.includes('acknowledged'));
      });
    await filtered();

    // The detail view of the first one: what, why, evidence, links to its host and flow.
    const firstId = (await page.getAttribute('[data-testid=alert-table] tbody tr:first-child', 'data-alert-id'))!;
    const alert = await api<AlertView>(`/api/v1/alerts/${firstId}`);
    const checks = await api<CheckInfo[]>('/api/v1/alerts/checks');
    await page.click(`[data-testid=alert-table] tr[data-alert-id="${firstId}"] [data-testid=alert-link]`);
    await page.waitForURL(`**/alerts/${firstId}`);
    await expect(page.textContent('[data-testid=alert-title]')).resolves.toBe(alert.title);
    // The check's title comes with the checks list, which may answer after the alert (its id is shown until then).
    const checkTitle = checks.find((c) => c.id === alert.check)!.title;
    await page.waitForFunction((t) => document.querySelector('[data-testid=alert-what]')?.textContent?.includes(t) ?? false, checkTitle);
    await expect(page.textContent('[data-testid=alert-description]')).resolves.toBe(alert.description);
    for (const [k, v] of Object.entries(alert.details)) await expect(page.textContent('[data-testid=alert-evidence]')).resolves.toContain(`${k}${v}`);
    expect(await page.getAttribute('[data-testid=alert-host]', 'href')).toBe(`/hosts/${alert.host}`);
    expect(await page.getAttribute('[data-testid=alert-flow-link]', 'href')).toBe(`/flows/${alert.ifid}/${alert.flow!.key}`);
    await screenshot(page, 'alert-detail');
    // Bulk: every unacknowledged flow alert listed now is acknowledged by one click (after a confirmation).
    await page.goto(`${appliance.baseUrl}/alerts`);
    await page.click('[role=tab] >> text=Past');
    await page.selectOption('select[name=entity]', 'flow');
    await page.selectOption('select[name=acknowledged]', 'false');
    await filtered();
    const listed = await page.$$eval('[data-testid=alert-table] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-alert-id')!));
    const otherEntities = async () => (await api<AlertPage>('/api/v1/alerts?state=past&acknowledged=false&limit=1000')).data.filter((a) => a.entity.type !== 'flow').map((a) => a.id);
    const othersBefore = await otherEntities();
    await page.click('[data-testid=bulk-acknowledge] button >> text=Acknowledge all matching');
    await page.click('[data-testid=bulk-acknowledge-yes]');
    const result = (await page.waitForSelector('[data-testid=bulk-result]')).textContent();
    expect(Number((await result)!.split(' ')[0])).toBeGreaterThanOrEqual(listed.length);
    for (const id of listed) expect((await api<AlertView>(`/api/v1/alerts/${id}`)).acknowledged_by).toBe('admin');
    // The filter held: alerts of other entities were not touched.
    expect(await otherEntities()).toEqual(expect.arrayContaining(othersBefore));

    // Checks: real names, a description each, thresholds in human units.
    await page.goto(`${appliance.baseUrl}/settings/checks`);
    const elephant = '[data-testid=checks-table] tr[data-check=elephant_flow]';
    await page.waitForSelector(elephant);
    await expect(page.textContent(`${elephant} [data-testid=check-title]`)).resolves.toBe('Elephant flow');
    await expect(page.textContent(`${elephant} [data-testid=check-description]`)).resolves.toContain('more bytes than the limit');
    const bytesParam = `${elephant} [data-param=min_bytes]`;
    await expect(page.inputValue(`${bytesParam} input[type=number]`)).resolves.toBe('1');
    await expect(page.inputValue(`${bytesParam} select`)).resolves.toBe('GiB');
    await page.fill(`${bytesParam} input[type=number]`, '512');
    await page.selectOption(`${bytesParam} select`, 'MiB');
    await page.click('text=Save checks');
    await page.waitForSelector('.form-ok');
    expect((await api<Settings>('/api/v1/settings')).checks['elephant_flow']['min_bytes']).toBe(512 * 1024 ** 2);
    await screenshot(page, 'settings-checks');
  });

  it('keeps a changed setting after a reload', async () => {
    await page.goto(`${appliance.baseUrl}/settings/general`);
    await page.waitForSelector('[data-testid=local-networks]');
    const networks = '192.168.0.0/16\n10.0.0.0/8\n172.16.0.0/12\n100.64.0.0/10';
    await page.fill('[data-testid=local-networks]', networks);
    await page.fill('[data-testid=retention-alerts_days]', '45');
    await page.click('[data-testid=general-settings-form] button[type=submit]');
    await page.waitForSelector('[data-testid=saved]');

    await page.reload();
    await page.waitForFunction(() => (document.querySelector('[data-testid=local-networks]') as HTMLTextAreaElement | null)?.value.includes('100.64.0.0/10'));
    await expect(page.inputValue('[data-testid=retention-alerts_days]')).resolves.toBe('45');
    const stored = await api<Settings>('/api/v1/settings');
    expect(stored.local_networks).toContain('100.64.0.0/10');
    expect(stored.retention.alerts_days).toBe(45);
    await screenshot(page, 'settings');

    await page.goto(`${appliance.baseUrl}/settings/system`);
    await page.waitForSelector('[data-testid=system-info]');
    await page.waitForSelector('[data-testid=appliance-panel] [data-testid=disks] .meter');
    await screenshot(page, 'settings-system');
  });

  it('shows the appliance section of the System page from the OS, and confirms reboot before asking', async () => {
    await page.goto(`${appliance.baseUrl}/settings/system`);
    const panel = '[data-testid=appliance-panel]';
    await page.waitForSelector(`${panel} [data-testid=network] table`);
    const status = await api<ApplianceStatus>('/api/v1/system/appliance');
    // Development: plain HTTP, so no certificate to show or replace.
    await expect(page.textContent(`${panel} [data-testid=tls-off]`)).resolves.toContain('HTTPS is off');
    for (const gateway of status.network.gateways) await expect(page.textContent(`${panel} [data-testid=gateways]`)).resolves.toContain(gateway.address);
    const managed = status.network.interfaces.find((i) => i.name === status.network.gateways[0]?.interface);
    if (managed) for (const a of managed.addresses) await expect(page.textContent(`${panel} [data-testid=network] table`)).resolves.toContain(`${a.address}/${a.prefix}`);
    await expect(page.textContent(`${panel} [data-testid=dns]`)).resolves.toBe(status.network.dns.join(', ') || 'none');
    await expect(page.locator(`${panel} [data-testid=disks] .meter`).count()).resolves.toBe(2);
    if (!status.ntp.available) await expect(page.textContent(`${panel} [data-testid=ntp-unavailable]`)).resolves.toContain(status.ntp.reason ?? '');

    // Reboot asks first; Cancel sends nothing.
    const powerRequests: string[] = [];
    const onRequest = (r: { url(): string }) => void (/\/system\/(reboot|shutdown)$/.test(r.url()) && powerRequests.push(r.url()));
    page.on('request', onRequest);
    await page.click(`${panel} [data-testid=reboot]`);
    await expect(page.textContent(`${panel} [data-testid=power-confirm]`)).resolves.toContain('Reboot the appliance now?');
    await page.click(`${panel} [data-testid=power-confirm] >> text=Cancel`);
    await page.waitForSelector(`${panel} [data-testid=reboot]`);
    expect(powerRequests).toEqual([]);
    await expect(page.textContent(`${panel} [data-testid=power-unavailable]`)).resolves.toContain('appliance only');
    // Confirmed: the API says it is not available outside the appliance, and the page shows why.
    await page.click(`${panel} [data-testid=shutdown]`);
    await page.click(`${panel} [data-testid=power-confirm-yes]`);
    await expect(page.textContent(`${panel} [data-testid=power-error]`)).resolves.toContain('shutdown is not available');
    page.off('request', onRequest);
    expect(powerRequests).toHaveLength(1);
  });

  it("delivers a SIEM recipient's test alert to a local syslog receiver", async () => {
    // Loopback destinations are refused unless the admin allows them (docs/security.md); the receiver is local.
    const allow = await page.request.put(`${appliance.baseUrl}/api/v1/settings`, { data: { siem_allowed_destinations: ['127.0.0.1/32'] } });
    expect(allow.status()).toBe(200);
    await page.goto(`${appliance.baseUrl}/settings/recipients`);
    await page.click('[data-testid=add-recipient]');
    const form = '[data-testid=recipient-form]';
    await page.fill(`${form} input[name=name]`, 'e2e-syslog');
    await page.selectOption(`${form} select[name=minSeverity]`, 'info');
    await page.fill(`${form} input[name=host]`, '127.0.0.1');
    await page.fill(`${form} input[name=port]`, String(receiver.port));
    await page.selectOption(`${form} select[name=transport]`, 'udp');
    await page.selectOption(`${form} select[name=header]`, 'rfc5424');
    await page.selectOption(`${form} select[name=format]`, 'json');
    await page.click(`${form} button[type=submit]`);
    const row = '[data-testid=recipient-table] tr[data-recipient=e2e-syslog]';
    await page.waitForSelector(row);

    await page.click(`${row} [data-testid=send-test]`);
    const message = await receiver.waitFor((m) => m.includes('flowprobe.alert.v1') && m.includes('"test"'), UI_WAIT_MS);
    // RFC 5424: "<PRI>1 TIMESTAMP HOST APP ..." then the JSON body.
    expect(message).toMatch(/^<\d{1,3}>1 \d{4}-\d\d-\d\dT/);
    const body = JSON.parse(message.slice(message.indexOf('{'))) as { schema: string; status: string };
    expect(body).toMatchObject({ schema: 'flowprobe.alert.v1', status: 'test' });
    await page.waitForFunction((sel) => Number(document.querySelector(`${sel} [data-testid=delivered]`)?.textContent ?? 0) >= 1, row);
    await screenshot(page, 'settings-recipients');
  });

  it('exports to a real nfcapd through a collector added in the form, and shows its counters on the System page', async () => {
    const nfcapd = await Nfcapd.start(join(appliance.dir, 'nfcapd'));
    try {
      await page.goto(`${appliance.baseUrl}/settings/ipfix`);
      await page.click('[data-testid=add-collector]');
      const form = '[data-testid=collector-form]';
      await page.fill(`${form} input[name=name]`, 'e2e-nfcapd');
      // The shared destination policy: metadata / link-local refused with the reason, even with loopback allowed.
      await page.fill(`${form} input[name=host]`, '169.254.169.254');
      await page.fill(`${form} input[name=port]`, String(nfcapd.port));
      await page.click(`${form} button[type=submit]`);
      await page.waitForSelector(`${form} .form-error:has-text("link-local / cloud metadata")`);
      // nfcapd listens on loopback, allowed by the previous test's siem_allowed_destinations.
      await page.fill(`${form} input[name=host]`, '127.0.0.1');
      await page.selectOption(`${form} select[name=transport]`, 'udp');
      await page.selectOption(`${form} select[name=mode]`, 'biflow');
      await page.click(`${form} button[type=submit]`);
      const row = '[data-testid=collector-table] tr[data-collector=e2e-nfcapd]';
      await page.waitForSelector(row);
      expect(await page.textContent(row)).toContain(`ipfix://127.0.0.1:${nfcapd.port} · biflow · domain 1`);

      // Flows of the replayed capture end (or reach the active timeout) and go out to nfcapd.
      await page.goto(`${appliance.baseUrl}/settings/system`);
      const counters = '[data-testid=ipfix-export] tr[data-collector=e2e-nfcapd]';
      const value = (name: string) => page.getAttribute(`${counters} [data-testid=${name}]`, 'data-value').then(Number);
      await page.waitForFunction(
        (sel) => Number(document.querySelector(`${sel} [data-testid=records]`)?.getAttribute('data-value') ?? 0) > 0,
        counters,
        { timeout: 60_000 },
      );
      for (const name of ['records', 'packets', 'bytes', 'templates']) expect({ name, value: await value(name) }).toEqual({ name, value: expect.any(Number) });
      expect(await value('packets')).toBeGreaterThan(0);
      expect(await value('bytes')).toBeGreaterThan(await value('packets'));
      expect(await value('templates')).toBeGreaterThan(0);
      expect(await value('dropped')).toBe(0);
      await expect(page.textContent(`${counters} td:nth-child(2)`)).resolves.toContain('connected');
      // The page shows what the API says (the counters only grow between the two reads).
      const [collector] = (await api<IpfixCollectorView[]>('/api/v1/ipfix/collectors')).filter((c) => c.name === 'e2e-nfcapd');
      expect(collector.stats!.records_sent).toBeGreaterThanOrEqual(await value('records'));

      // The collector really took them: nfdump reads back flows from what nfcapd stored.
      await nfcapd.stop();
      const stored = await nfcapd.flows();
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.every((f) => f.in_packets + f.out_packets > 0)).toBe(true);
    } finally {
      await nfcapd.stop();
    }
  });

  it('finds a host by a name seen on the wire (DNS answer, SNI, HTTP Host) and shows names in hosts and flows', async () => {
    // Names are learnt from DNS answers and SNI of running flows every 5 s, and from every flow record.
    let named: HostListResponse['data'][number] | undefined;
    const deadline = Date.now() + 30_000;
    while (!named && Date.now() < deadline) {
      named = (await api<HostListResponse>('/api/v1/hosts?limit=1000')).data.find((h) => /[a-z]/i.test(h.name) && h.name.length > 4);
      if (!named) await page.waitForTimeout(1000);
    }
    expect(named).toBeDefined();
    // A part of the name that is not an address: "amazon" of "firs-ta-g7g.amazon.com".
    const part = named!.name.split('.').find((label) => /[g-z]/i.test(label)) ?? named!.name;
    await page.goto(`${appliance.baseUrl}/hosts`);
    await page.fill('[data-testid=host-search]', part);
    await page.waitForSelector(`[data-testid=host-table] a[href="/hosts/${named!.ip}"]`);
    // The filtered page replaces the unfiltered one once it arrives.
    await page.waitForFunction(
      (want) => {
        const rows = [...document.querySelectorAll('[data-testid=host-table] tbody tr')];
        return rows.length > 0 && rows.every((tr) => (tr.querySelector('[data-testid=host-name]')?.textContent ?? '').toLowerCase().includes(want));
      },
      part.toLowerCase(),
    );
    const names = await page.$$eval('[data-testid=host-table] tbody tr', (trs) => trs.map((tr) => tr.querySelector('[data-testid=host-name]')?.textContent ?? ''));
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n.toLowerCase()).toContain(part.toLowerCase());
    // The API agrees (names move with the looping capture: every host it finds carries the part).
    const api1 = await api<HostListResponse>(`/api/v1/hosts?q=${encodeURIComponent(part)}&limit=100`);
    expect(api1.data.length).toBeGreaterThan(0);
    for (const h of api1.data) expect(h.name.toLowerCase()).toContain(part.toLowerCase());
    await screenshot(page, 'hosts-by-name');
    // The host page and the flow tables name it too.
    // (The host page's own name element: the list's rows carry the same test id and may still be on screen.)
    await page.click(`[data-testid=host-table] a[href="/hosts/${named!.ip}"]`);
    await page.waitForURL(`**/hosts/${named!.ip}`);
    const shown = await page.textContent('[data-testid=host-title] ~ [data-testid=host-name]');
    // Names move with the looping capture: the page shows the name the API gives that host now (or gave before).
    const now = await api<{ name: string }>(`/api/v1/hosts/${named!.ip}`);
    expect([named!.name, now.name]).toContain(shown);
  });

  it('shows country and AS per remote host from the MaxMind DB files, filters hosts and flows by them, and ranks them on the dashboard', async () => {
    // The test's databases place 54.239.0.0/16 in IE and AS14618 (appliance/src/testing/geo-databases.ts).
    await page.goto(`${appliance.baseUrl}/hosts`);
    await page.fill('[data-testid=host-country]', 'ie');
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('[data-testid=host-table] tbody [data-testid=host-country-cell]')].map((c) => c.textContent?.trim());
      return cells.length > 0 && cells.every((c) => c === 'IE');
    });
    const rows = await page.$$eval('[data-testid=host-table] tbody tr a.mono', (as) => as.map((a) => a.textContent?.trim() ?? ''));
    const irish = await api<HostListResponse>('/api/v1/hosts?country=IE&limit=100');
    expect(irish.total).toBeGreaterThan(0);
    expect(rows.sort()).toEqual(irish.data.map((h) => h.ip).sort());
    for (const h of irish.data) expect([h.ip.startsWith('54.239.'), h.country_name, h.asn, h.as_org]).toEqual([true, 'Ireland', 14618, 'AMAZON-AES']);
    // A click on a row's AS filters by it.
    await page.fill('[data-testid=host-country]', '');
    await page.click('[data-testid=host-asn-cell] button >> nth=0');
    const asn = await page.inputValue('[data-testid=host-asn]');
    expect(['16509', '14618']).toContain(asn);
    await page.waitForFunction((want) => {
      const cells = [...document.querySelectorAll('[data-testid=host-table] tbody [data-testid=host-asn-cell]')].map((c) => c.textContent?.trim() ?? '');
      return cells.length > 0 && cells.every((c) => c.startsWith(`AS${want} `));
    }, asn);
    await screenshot(page, 'hosts-by-country');
    // Flows with an endpoint in Ireland: every row shows an IE badge, as many as the API says.
    await page.goto(`${appliance.baseUrl}/flows`);
    await page.fill('[data-testid=flow-country]', 'IE');
    const flows = await api<FlowListResponse>('/api/v1/flows?country=IE&limit=25');
    expect(flows.data.length).toBeGreaterThan(0);
    for (const f of flows.data) expect([f.client_country, f.server_country]).toContain('IE');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=flow-table] tbody tr')];
      return rows.length > 0 && rows.every((r) => [...r.querySelectorAll('.badge.geo')].some((b) => b.textContent?.trim() === 'IE'));
    });
    // The dashboard ranks countries and ASes; a country opens the hosts filtered by it.
    await page.goto(`${appliance.baseUrl}/dashboard`);
    await page.waitForSelector('[data-testid=top-countries] tbody tr a');
    const countries = await page.$$eval('[data-testid=top-countries] tbody tr a', (as) => as.map((a) => a.textContent?.trim()));
    expect(countries).toEqual(expect.arrayContaining(['IE']));
    await expect(page.textContent('[data-testid=top-asns]')).resolves.toContain('AMAZON-AES');
    await page.click('[data-testid=top-countries] a:text-is("IE")');
    await page.waitForURL('**/hosts?country=IE');
    await expect(page.inputValue('[data-testid=host-country]')).resolves.toBe('IE');
  });

  it('changes my password and creates an API token from the user menu, the token copied to the clipboard', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: appliance.baseUrl });
    await page.goto(`${appliance.baseUrl}/dashboard`);
    await page.click('[data-testid=user-menu] summary');
    await page.click('[data-testid=menu-tokens]');
    await page.waitForURL('**/account#tokens');
    await page.fill('[data-testid=token-form] input[name=tokenName]', 'e2e-grafana');
    await page.click('[data-testid=token-form] button[type=submit]');
    const token = (await page.textContent('[data-testid=token-value]'))!.trim();
    expect(token).toMatch(/^fp_/);
    await page.click('[data-testid=token-copy]');
    await page.waitForSelector('[data-testid=token-copy] >> text=Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await page.waitForSelector('[data-testid=token-table] >> text=e2e-grafana');
    // The copied token works on its own (no session cookie).
    const withToken = await fetch(`${appliance.baseUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    await screenshot(page, 'account');

    await page.click('[data-testid=user-menu] summary');
    await page.click('[data-testid=menu-password]');
    await page.waitForURL('**/account#password');
    const form = '[data-testid=my-password-form]';
    await page.fill(`${form} input[name=current]`, ADMIN_PASSWORD);
    await page.fill(`${form} input[name=new]`, 'short');
    await expect(page.textContent('[data-testid=password-problem]')).resolves.toContain('At least 8 characters');
    await page.fill(`${form} input[name=new]`, ADMIN_PASSWORD_2);
    await page.fill(`${form} input[name=repeat]`, ADMIN_PASSWORD_2);
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid=password-changed]');
    const login = (password: string) =>
      fetch(`${appliance.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    expect((await login(ADMIN_PASSWORD_2)).ok).toBe(true);
    expect((await login(ADMIN_PASSWORD)).status).toBe(401);
    // This session stays signed in.
    expect((await page.request.get(`${appliance.baseUrl}/api/v1/auth/me`)).status()).toBe(200);
  });

  it('follows prefers-color-scheme with a dark theme, and the toggle overrides it', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    try {
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.goto(`${appliance.baseUrl}/dashboard`);
      await page.waitForSelector('[data-testid=top-hosts] tbody tr');
      expect(await background()).toBe('rgb(14, 22, 32)');
      expect(await page.getAttribute('[data-testid=theme-toggle]', 'data-theme')).toBe('dark');
      await page.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid=throughput-chart] canvas')?.dataset['points'] ?? 0) > 0);
      await screenshot(page, 'dashboard-dark');
      // The screenshot itself is dark (mean luminance of the saved PNG; the light dashboard's is about 235).
      expect(await pngLuminance(browser.context, screenshotFile('dashboard-dark'))).toBeLessThan(80);

      // The toggle: light although the system is dark, kept across a reload.
      await page.click('[data-testid=theme-toggle]');
      expect(await background()).toBe('rgb(243, 245, 248)');
      await page.reload();
      await page.waitForSelector('[data-testid=theme-toggle][data-theme=light]');
      expect(await background()).toBe('rgb(243, 245, 248)');
      // Back to the system's choice from the user menu, which is then followed live.
      await page.click('[data-testid=user-menu] summary');
      await page.click('[data-testid=menu-theme-system]');
      expect(await background()).toBe('rgb(14, 22, 32)');
      await page.emulateMedia({ colorScheme: 'light' });
      await page.waitForSelector('[data-testid=theme-toggle][data-theme=light]');
      expect(await background()).toBe('rgb(243, 245, 248)');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('keeps a viewer out of settings', async () => {
    await page.goto(`${appliance.baseUrl}/settings/users`);
    await page.fill('[data-testid=new-user-form] input[name=username]', VIEWER.username);
    await page.fill('[data-testid=new-user-form] input[name=password]', VIEWER.initial);
    await page.selectOption('[data-testid=new-user-form] select[name=role]', 'viewer');
    await page.click('[data-testid=new-user-form] button[type=submit]');
    await page.waitForSelector(`[data-testid=user-table] >> text=${VIEWER.username}`);
    await screenshot(page, 'settings-users');
    await signOut();

    await signIn(VIEWER.username, VIEWER.initial);
    await changePassword(VIEWER.initial, VIEWER.password);
    await expect(page.locator('nav >> text=Settings').count()).resolves.toBe(0);
    await page.goto(`${appliance.baseUrl}/settings/general`);
    await page.waitForSelector('[data-testid=forbidden]');
    expect(page.url()).toContain('/forbidden');
    await screenshot(page, 'forbidden');
    // Not only hidden: the API refuses the viewer's change too.
    const put = await page.request.put(`${appliance.baseUrl}/api/v1/settings`, { data: { live_interval_ms: 2000 } });
    expect(put.status()).toBe(403);
  });

  it('zooms every timeseries chart by dragging, with date-aware ticks, a custom from/to and per-application history', async () => {
    /** Drags across a chart's plot from `a` to `b` (fractions of its width); returns the canvas's visible range after. */
    const drag = async (selector: string, a: number, b: number) => {
      const box = (await page.locator(selector).boundingBox())!;
      const y = box.y + box.height * 0.4;
      await page.mouse.move(box.x + box.width * a, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * ((a + b) / 2), y, { steps: 4 });
      await page.mouse.move(box.x + box.width * b, y, { steps: 4 });
      await page.mouse.up();
    };
    const xRange = async (selector: string) => [Number(await page.getAttribute(selector, 'data-x-min')), Number(await page.getAttribute(selector, 'data-x-max'))];
    /** A time as the browser's datetime-local input shows it (local time, minutes). */
    const localInput = (ms: number) =>
      page.evaluate((t) => {
        const d = new Date(t);
        const pad = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
      }, ms);
    const tickLabel = /^((Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}( \d\d:\d\d(:\d\d)?)?|\d\d:\d\d(:\d\d)?)$/;

    // The dashboard's live chart: a drag zooms into the selected seconds, it stops scrolling, "Reset zoom" goes back.
    await page.goto(`${appliance.baseUrl}/dashboard`);
    const live = '[data-testid=throughput-chart] canvas';
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLCanvasElement>(sel)?.dataset['points'] ?? 0) >= 30, live);
    const [min0, max0] = await xRange(live);
    for (const label of (await page.getAttribute(live, 'data-ticks'))!.split('|')) expect(label).toMatch(tickLabel);
    await drag(live, 0.3, 0.6);
    await page.waitForSelector('[data-testid=throughput-chart] [data-testid=zoom-reset]');
    await page.waitForFunction(([sel, span]) => {
      const c = document.querySelector<HTMLCanvasElement>(sel as string)!;
      return Number(c.dataset['xMax']) - Number(c.dataset['xMin']) < (span as number) * 0.5;
    }, [live, max0 - min0] as const);
    const [zMin, zMax] = await xRange(live);
    expect(zMin).toBeGreaterThan(min0);
    expect(zMax).toBeLessThanOrEqual(max0 + 60_000);
    await page.click('[data-testid=throughput-chart] [data-testid=zoom-reset]');
    // The button goes with the next change detection, not within the click.
    await page.waitForSelector('[data-testid=throughput-chart] [data-testid=zoom-reset]', { state: 'detached' });

    // The interface's stored history: a drag becomes the custom from/to, and the series is loaded for that range.
    await page.goto(`${appliance.baseUrl}/interfaces`);
    const stored = '[data-testid=interface-history-chart] canvas';
    // The canvas is drawn empty first (chart.js's default 0..1 axis) and again once the stored hour has loaded.
    await page.waitForFunction((sel) => {
      const c = document.querySelector<HTMLCanvasElement>(sel);
      return !!c && Number(c.dataset['xMax']) - Number(c.dataset['xMin']) > 1;
    }, stored);
    const [h0, h1] = await xRange(stored);
    expect(h1 - h0).toBeGreaterThanOrEqual(3_500_000);
    for (const label of (await page.getAttribute(stored, 'data-ticks'))!.split('|')) expect(label).toMatch(tickLabel);
    // The last minutes of the hour (up to the plot's end): the appliance has written points there.
    await drag(stored, 0.8, 0.995);
    // The dragged range becomes the page's custom from/to (inside the hour that was shown).
    // The form appears, then writes its values.
    await page.waitForFunction(() => !!document.querySelector<HTMLInputElement>('[data-testid=range-to]')?.value);
    const from = Date.parse(await page.inputValue('[data-testid=range-from]'));
    const to = Date.parse(await page.inputValue('[data-testid=range-to]'));
    expect(from).toBeGreaterThanOrEqual(h0 - 60_000);
    expect(to).toBeLessThanOrEqual(h1 + 60_000);
    expect(to - from).toBeLessThan((h1 - h0) * 0.6);
    // The zoomed range is in the URL (from/to in ms), and the chart loads exactly that range.
    await page.waitForURL((url) => url.searchParams.has('from') && url.searchParams.has('to'));
    const zoomed = new URL(page.url());
    const [urlFrom, urlTo] = [Number(zoomed.searchParams.get('from')), Number(zoomed.searchParams.get('to'))];
    expect(zoomed.searchParams.get('range')).toBeNull();
    expect(Math.abs(urlFrom - from)).toBeLessThan(60_000);
    expect(Math.abs(urlTo - to)).toBeLessThan(60_000);
    const storedRange = (f: number, t: number) =>
      page.waitForFunction(
        ([sel, a, b]) => {
          const c = document.querySelector<HTMLCanvasElement>(sel as string);
          return !!c && Number(c.dataset['xMin']) === a && Number(c.dataset['xMax']) === b;
        },
        [stored, Math.floor(f / 1000) * 1000, Math.ceil(t / 1000) * 1000] as const,
      );
    await storedRange(urlFrom, urlTo);
    await screenshot(page, 'interfaces-zoomed');
    // A reload opens the same custom range: the picker's from/to and the chart's loaded range.
    await page.reload();
    // Once the form has written its values.
    await page.waitForFunction(() => !!document.querySelector<HTMLInputElement>('[data-testid=range-to]')?.value);
    await expect(page.inputValue('[data-testid=range-from]')).resolves.toBe(await localInput(urlFrom));
    await expect(page.inputValue('[data-testid=range-to]')).resolves.toBe(await localInput(urlTo));
    await storedRange(urlFrom, urlTo);
    expect(new URL(page.url()).searchParams.get('from')).toBe(String(urlFrom));
    // A preset replaces it in the URL.
    await page.click('app-range-picker button >> text=24 h');
    await page.waitForURL((url) => url.searchParams.get('range') === '24h' && !url.searchParams.has('from'));

    // Per-application stacked history on the interface page: drawn, or the empty state when the store has nothing yet.
    await page.locator('[data-testid=interface-apps-chart] canvas').or(page.getByText('No stored flow in this range.')).first().waitFor();

    // The host page: range picker with Custom, and its applications over time.
    const host = (await api<HostListResponse>('/api/v1/hosts?local=true&limit=1')).data[0];
    await page.goto(`${appliance.baseUrl}/hosts/${host.ip}`);
    await page.click('[data-testid=range-custom]');
    await page.waitForSelector('[data-testid=range-from]');
    await page.getByRole('heading', { name: 'Applications over time' }).waitFor();
    // The host's applications over time load (drawn, or empty while the store has none of its records; not an error).
    // Their content against the API is checked by history.spec.ts, whose appliance writes records within seconds.
    await page.locator('[data-testid=host-apps-chart] canvas').or(page.getByText('No stored flow of this host in this range.')).first().waitFor();
    await expect(page.getByText('Could not load the application history').count()).resolves.toBe(0);
  });

  it('sums the active traffic by port, local↔remote pair and category on the dashboard, and opens the full application breakdown', async () => {
    await page.goto(`${appliance.baseUrl}/dashboard`);
    await page.waitForSelector('[data-testid=top-ports] tbody tr a');
    const summary = await api<FlowTrafficSummary>('/api/v1/flows/summary');
    expect(summary.ports.length).toBeGreaterThan(0);
    expect(summary.pairs.length).toBeGreaterThan(0);
    // The capture's client 172.16.42.216 is local (the suite's local networks), every pair has it on the local side.
    for (const p of summary.pairs) expect([p.local, p.remote]).toEqual([expect.stringMatching(/^(172\.16\.|192\.168\.|10\.)/), expect.not.stringMatching(/^(172\.16\.|192\.168\.|10\.)/)]);
    // The capture loops: the page's answer and the test's are seconds apart, so the largest rows are compared.
    const ports = await page.$$eval('[data-testid=top-ports] tbody tr a', (as) => as.map((a) => a.textContent?.trim()));
    for (const label of ports) expect(label).toMatch(/^[A-Za-z0-9]+\/\d+$/);
    expect(ports).toContain(`${summary.ports[0].l4}/${summary.ports[0].port}`);
    const categories = await page.$$eval('[data-testid=by-category] tbody tr td:first-child', (tds) => tds.map((t) => t.textContent?.trim()));
    expect(categories).toContain(summary.categories[0].category);
    await page.waitForSelector('[data-testid=top-pairs] tbody tr a');
    await page.click('[data-testid=open-breakdown]');
    await page.waitForSelector('[data-testid=application-breakdown] tbody tr');
    const rows = await page.$$eval('[data-testid=application-breakdown] tbody tr td:first-child', (tds) => tds.map((t) => t.textContent?.trim()));
    // Every application, not only the doughnut's eight slices.
    expect(rows.length).toBeGreaterThan(8);
    expect(rows).toEqual(expect.arrayContaining(summary.applications.slice(0, 3).map((a) => a.application)));
  });

  it('lays out without clipped tables at 1280 and 1440 px, the sidebar as tall as a long page, and the pager agreeing with the page size', async () => {
    const pages = ['/dashboard', '/hosts', '/flows', '/alerts', '/interfaces', '/history', `/hosts/172.16.42.216`];
    try {
      for (const width of [1280, 1440]) {
        await page.setViewportSize({ width, height: 800 });
        for (const path of pages) {
          await page.goto(`${appliance.baseUrl}${path}`);
          await page.waitForSelector('h1');
          await page.waitForTimeout(1500);
          const clipped = await page.evaluate(() => {
            const out: string[] = [];
            if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`page ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
            for (const el of document.querySelectorAll<HTMLElement>('.table-scroll, .card, table, canvas')) {
              if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName}.${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
            }
            return out;
          });
          expect([width, path, clipped]).toEqual([width, path, []]);
        }
      }
      // A long page: 100 flows; scrolled to its end, the navigation still runs down to the bottom.
      await page.goto(`${appliance.baseUrl}/flows`);
      await page.waitForSelector('[data-testid=flow-table] tbody tr');
      await page.selectOption('[data-testid=page-size]', '100');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=flow-table] tbody tr').length > 25);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const nav = await page.evaluate(() => {
        const sidebar = document.querySelector('.sidebar')!.getBoundingClientRect();
        const bottom = document.elementFromPoint(5, window.innerHeight - 2);
        return { bottom: Math.round(sidebar.bottom), height: window.innerHeight, long: document.documentElement.scrollHeight > window.innerHeight * 1.5, inSidebar: !!bottom?.closest('.sidebar') };
      });
      expect(nav).toEqual({ bottom: nav.height, height: nav.height, long: true, inSidebar: true });
      // The pager says what the table shows.
      await expect(page.inputValue('[data-testid=page-size]')).resolves.toBe('100');
      const shown = await page.locator('[data-testid=flow-table] tbody tr').count();
      const range = (await page.textContent('[data-testid=pager-range]'))!.trim();
      expect(range).toMatch(new RegExp(`^1–${shown} of `));
      await page.selectOption('[data-testid=page-size]', '10');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=flow-table] tbody tr').length === 10);
      await expect(page.textContent('[data-testid=pager-range]')).resolves.toMatch(/^1–10 of /);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('runs every page above under the Content-Security-Policy without a violation', async () => {
    const response = await page.goto(`${appliance.baseUrl}/dashboard`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    await page.waitForSelector('app-root nav');
    expect(violations).toEqual([]);
  });
});
