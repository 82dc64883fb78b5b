import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page, chromium } from 'playwright-core';
import { REPO_ROOT } from './appliance';

/** Debian's Chromium (Makefile APT_BROWSER); playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const VIEWPORT = { width: 1280, height: 800 };
/**
 * docs/screenshots/ only when asked (`make screenshots` sets FLOWPROBE_SCREENSHOTS=1);
 * otherwise a temporary folder, so `make test` leaves the work tree clean.
 */
export const SCREENSHOT_DIR =
  process.env.FLOWPROBE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'screenshots') : join(tmpdir(), `flowprobe-screenshots-${process.pid}`);

/** A Chromium with its own fresh profile (cookies, cache), removed on close. */
export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** `ignoreHttpsErrors`: accept the appliance's self-signed certificate (the appliance-mode suite checks its fingerprint itself). */
export async function launchBrowser(options: { ignoreHttpsErrors?: boolean } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'flowprobe-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    ...(options.ignoreHttpsErrors ? { ignoreHTTPSErrors: true } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** True when the canvas matched by `selector` has at least `minInkPixels` non-transparent pixels. */
export async function canvasInk(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) ink++;
    return ink;
  });
}

/**
 * Mean luminance (0 black … 255 white) of a PNG file, decoded by Chromium in a blank
 * page of `context` (no Content-Security-Policy there).
 */
export async function pngLuminance(context: BrowserContext, file: string): Promise<number> {
  const blank = await context.newPage();
  try {
    return await blank.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const image = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(image.width, image.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(image, 0, 0);
      const data = ctx.getImageData(0, 0, image.width, image.height).data;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
      return sum / (data.length / 4);
    }, readFileSync(file).toString('base64'));
  } finally {
    await blank.close();
  }
}

/**
 * Saves a 1280×800 PNG of the page under SCREENSHOT_DIR, shrunk with pngquant
 * (palette PNG, typically a quarter of Chromium's size).
 */
export function screenshotFile(name: string): string {
  return join(SCREENSHOT_DIR, `${name}.png`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = screenshotFile(name);
  await page.screenshot({ path: file, fullPage: false, animations: 'disabled', caret: 'hide' });
  execFileSync('pngquant', ['--force', '--skip-if-larger', '--strip', '--quality=60-90', '--speed=3', '--output', file, '--', file]);
  return `${file} (${Math.round(statSync(file).size / 1024)} KiB)`;
}
