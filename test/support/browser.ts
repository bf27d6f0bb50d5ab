// Headless Chromium on the playground page: Debian's package (CI installs it in .ci/run; elsewhere CHROMIUM_PATH may
// point at another build), a fresh profile per suite, removed with the browser.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!HAVE_CHROMIUM) console.warn(`playground browser tests SKIPPED: no Chromium at ${CHROMIUM} — install Debian's package (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);

export interface OpenBrowser {
  browser: BrowserContext;
  /** The playground, loaded and ready (`body[data-ready]`). */
  page: Page;
  close(): Promise<void>;
}

/** Opens the playground at `url` in a new Chromium with its own profile, `width`×`height` wide. */
export async function openPlayground(url: string, viewport: { width: number; height: number } = { width: 1600, height: 1000 }): Promise<OpenBrowser> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
  // A fresh profile every run (launchPersistentContext is how Playwright takes --user-data-dir).
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  return {
    browser,
    page,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
