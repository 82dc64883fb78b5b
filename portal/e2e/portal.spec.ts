/**
 * The portal end to end: Debian's Chromium (playwright-core) against the real
 * appliance replaying a shared capture, with a temp SQLite file and the shared
 * Redis. Tests run in order and share one appliance and one admin session;
 * each saves a screenshot of the page it covers under docs/screenshots/.
 */
import { join } from 'node:path';
import type { ApplianceStatus, FlowListResponse, HostListResponse, IpfixCollectorView, Settings } from '@flowprobe/api';
import type { Page } from 'playwright-core';
import { INITIAL_ADMIN_PASSWORD, RunningAppliance, startAppliance } from './appliance';
import { TestBrowser, canvasInk, launchBrowser, screenshot } from './browser';
import { UdpReceiver, startUdpReceiver } from './siem-receiver';
// Real collectors from Debian (nfdump's nfcapd), shared with the appliance's IPFIX tests.
import { Nfcapd } from '../../appliance/src/testing/ipfix-collectors';

const INITIAL_PASSWORD = INITIAL_ADMIN_PASSWORD;
const ADMIN_PASSWORD = 'e2e-admin-NewPa55';
const VIEWER = { username: 'e2e-viewer', initial: 'viewer-initial-1', password: 'viewer-changed-2' };
/** Upper bound for something the UI shows after a live sample or a poll (not a measurement). */
const UI_WAIT_MS = 20_000;

let appliance: RunningAppliance;
let browser: TestBrowser;
let page: Page;
let receiver: UdpReceiver;
/** Every Content-Security-Policy violation and page error Chromium reports during the suite. */
const violations: string[] = [];

beforeAll(async () => {
  appliance = await startAppliance(INITIAL_PASSWORD);
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
});

/** GET through the page's session (same cookie as the UI). */
async function api<T>(path: string): Promise<T> {
  const response = await page.request.get(`${appliance.baseUrl}${path}`);
  if (!response.ok()) throw new Error(`GET ${path}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
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

    // The new password is the one that works now.
    await signOut();
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

  it('lists past alerts and acknowledges one; shows interfaces', async () => {
    await page.goto(`${appliance.baseUrl}/alerts`);
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

    await page.goto(`${appliance.baseUrl}/settings/checks`);
    await page.waitForSelector('[data-testid=checks-table] tbody tr, .state-empty');
    await screenshot(page, 'settings-checks');
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
