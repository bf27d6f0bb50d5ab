// The playground in headless Chromium has a Home tab: clicking it opens the App Home (a signed app_home_opened to the
// bot), and the page renders the view the bot published with views.publish, like the channel messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, openPlayground, type OpenBrowser } from './support/browser.js';
import { loadConfig } from '../src/config/load.js';
import { startPlayground, type Playground } from '../playground/local.js';

describe.skipIf(!HAVE_CHROMIUM)('the playground: the Home tab', () => {
  let pg: Playground;
  let browser: OpenBrowser | undefined;
  let page: Page;

  beforeAll(async () => {
    pg = await startPlayground({ config: loadConfig('ops.example.yml'), port: 0, databaseUrl: ':memory:', startDelaySeconds: 1, statusUpdateIntervalMs: 200 });
    browser = await openPlayground(pg.url, { width: 1280, height: 1000 });
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await pg?.close();
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
