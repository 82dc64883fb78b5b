/**
 * The portal in appliance mode, end to end: `flowprobe run` with HTTPS (a
 * certificate generated on first start), the plain-HTTP redirect and
 * `auth.require_setup`; Debian's Chromium signs in only after the console's
 * `flowprobe admin-password`, then replaces the certificate from the System page.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { Page } from 'playwright-core';
import { FLOWPROBE_BIN, RunningAppliance, startAppliance } from './appliance';
import { TestBrowser, launchBrowser, screenshot } from './browser';

const PASSWORD = 'console-set-Pa55';
const UI_WAIT_MS = 20_000;

let appliance: RunningAppliance;
let browser: TestBrowser;
let page: Page;
const work = mkdtempSync(join(tmpdir(), 'flowprobe-e2e-pem-'));

beforeAll(async () => {
  appliance = await startAppliance(undefined, 'appliance');
  browser = await launchBrowser({ ignoreHttpsErrors: true });
  page = browser.page;
  page.setDefaultTimeout(UI_WAIT_MS);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** SHA-256 fingerprint of the certificate the server presents to a new connection. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false, agent: false }, (res) => {
      resolve((res.socket as TLSSocket).getPeerCertificate().fingerprint256);
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}

function opensslPair(name: string, days: number): { certFile: string; keyFile: string; fingerprint: string } {
  const keyFile = join(work, `${name}.key`);
  const certFile = join(work, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', String(days), '-subj', `/CN=${name}.probe.example`], { stdio: 'ignore' });
  return { certFile, keyFile, fingerprint: new X509Certificate(readFileSync(certFile)).fingerprint256 };
}

async function signIn(password: string): Promise<void> {
  await page.goto(`${appliance.baseUrl}/login`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

describe('portal on the appliance (HTTPS, console setup)', () => {
  it('sends plain HTTP to https and refuses the login until the console set the admin password', async () => {
    await page.goto(`http://127.0.0.1:${appliance.redirectPort}/login`);
    expect(page.url()).toBe(`${appliance.baseUrl}/login`);
    await signIn('admin');
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('Setup not complete');
    // The sign-in page says where the password is set: the console.
    await expect(page.textContent('[data-testid=first-run-hint]')).resolves.toContain('flowprobe admin-password');
    await screenshot(page, 'login-setup-not-complete');

    const set = spawnSync(process.execPath, [FLOWPROBE_BIN, 'admin-password', '--config', appliance.configPath], { input: `${PASSWORD}\n`, encoding: 'utf8' });
    expect(set.status).toBe(0);
    await signIn(PASSWORD);
    // The console's password is the admin's own: straight to the dashboard.
    await page.waitForURL('**/dashboard');
    const cookie = (await browser.context.cookies(appliance.baseUrl)).find((c) => c.name === 'flowprobe_session');
    expect(cookie).toMatchObject({ secure: true, httpOnly: true });
    // The live WebSocket runs over the same HTTPS server (wss).
    await page.waitForFunction(() => (document.querySelector('[data-testid=live-status]')?.textContent ?? '').includes('Live'));
  });

  it('shows the generated certificate and replaces it from the System page (a wrong key refused)', async () => {
    const generated = readFileSync(join(appliance.dir, 'tls', 'fingerprint'), 'utf8').trim();
    await page.goto(`${appliance.baseUrl}/settings/system`);
    const panel = '[data-testid=appliance-panel]';
    await expect(page.textContent(`${panel} [data-testid=cert-fingerprint]`)).resolves.toBe(generated);
    await expect(servedFingerprint(appliance.port)).resolves.toBe(generated);

    const good = opensslPair('good', 30);
    const other = opensslPair('other', 30);
    await page.setInputFiles(`${panel} [data-testid=certificate-form] input[type=file] >> nth=0`, good.certFile);
    await page.setInputFiles(`${panel} [data-testid=certificate-form] input[type=file] >> nth=1`, other.keyFile);
    await page.click(`${panel} [data-testid=certificate-form] button[type=submit]`);
    await expect(page.textContent(`${panel} [data-testid=cert-error]`)).resolves.toContain('does not match the certificate');
    await expect(servedFingerprint(appliance.port)).resolves.toBe(generated);

    await page.fill(`${panel} [data-testid=key-pem]`, readFileSync(good.keyFile, 'utf8'));
    await page.click(`${panel} [data-testid=certificate-form] button[type=submit]`);
    await page.waitForSelector(`${panel} [data-testid=cert-saved]`);
    // The certificate shown is read again after the upload: wait for that answer.
    await page.waitForFunction(
      ([selector, fingerprint]) => document.querySelector(selector)?.textContent === fingerprint,
      [`${panel} [data-testid=cert-fingerprint]`, good.fingerprint] as const,
    );
    await expect(page.textContent(`${panel} [data-testid=cert-fingerprint]`)).resolves.toBe(good.fingerprint);
    await expect(page.textContent(`${panel} [data-testid=cert-subject]`)).resolves.toContain('good.probe.example');
    // The key left the page with the upload.
    await expect(page.inputValue(`${panel} [data-testid=key-pem]`)).resolves.toBe('');
    // New connections get the uploaded certificate from the same process.
    await expect(servedFingerprint(appliance.port)).resolves.toBe(good.fingerprint);
    await screenshot(page, 'settings-system-appliance');
  });
});
