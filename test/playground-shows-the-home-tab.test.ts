// The playground in headless Chromium has a Home tab: clicking it opens the App Home (a signed app_home_opened to the
// bot), and the page renders the view the bot published with views.publish, like the channel messages.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../src/config/load.js';
import { startPlayground, type Playground } from '../playground/local.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!HAVE_CHROMIUM)('the playground: the Home tab', () => {
  let pg: Playground;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    pg = await startPlayground({ config: loadConfig('ops.example.yml'), port: 0, databaseUrl: ':memory:', startDelaySeconds: 1, statusUpdateIntervalMs: 200 });
    profile = mkdtempSync(join(tmpdir(), 'playground-home-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 1000 } });
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(pg.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await pg?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows every environment as the bot published it', async () => {
    await page.click('#home-link');
    const home = page.locator('#messages .home-view');
    await home.filter({ hasText: 'Canary web: blue 100% · green 0%' }).waitFor({ timeout: 15_000 });
    const text = await home.innerText();
    expect(text).toContain('ecs-chatops — every environment');
    expect(text).toMatch(/dev[\s\S]*prod/);
    expect(text).toContain('Maintenance off');
    expect(pg.fake.views().some((v) => v.method === 'views.publish')).toBe(true);
  }, 60_000);
});
