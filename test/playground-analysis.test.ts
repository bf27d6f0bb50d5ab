// The local playground in headless Chromium shows a canary rolled back by its analysis: a person makes green answer
// worse from the sandbox panel, and the bot rolls back by itself, the comparison on the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { HAVE_CHROMIUM, openPlayground, type OpenBrowser } from './support/browser.js';
import { loadConfig } from '../src/config/load.js';
import { startPlayground, type Playground } from '../playground/local.js';

const PROD_FRONTEND = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';

describe.skipIf(!HAVE_CHROMIUM)('the playground: a canary rolled back by its analysis', () => {
  let pg: Playground;
  let browser: OpenBrowser | undefined;
  let page: Page;

  beforeAll(async () => {
    const config = loadConfig('ops.example.yml');
    // Enough evidence within seconds of wall clock: more traffic, fewer requests needed.
    config.environments.prod!.canary.web!.analysis.minRequests = 20;
    pg = await startPlayground({ config, port: 0, databaseUrl: ':memory:', startDelaySeconds: 1, route53SyncSeconds: 1, statusUpdateIntervalMs: 200 });
    pg.sandbox.world.cloudwatch.setRequestsPerMinute(30_000);
    browser = await openPlayground(pg.url, { width: 1600, height: 1000 });
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await pg?.close();
  });

  const actAs = async (userId: string) => {
    await page.selectOption('#user', userId);
    await page.locator('#user-role', { hasText: userId }).waitFor({ timeout: 5000 });
  };
  const shows = (where: Locator, text: string, timeout = 10_000) => where.filter({ hasText: text }).first().waitFor({ timeout });
  const green = () => pg.sandbox.world.elbv2.evaluate(PROD_FRONTEND, { path: '/', sourceIp: '198.51.100.7' }).targetGroups ?? {};
  const greenShare = () => Object.entries(green()).find(([arn]) => arn.includes('web-green'))?.[1] ?? 0;

  it('green made worse from the panel during the bake: rolled back by itself, the analysis on the message', async () => {
    await actAs('U0SRE0001');
    await page.click('.channel-link:has-text("# prod")');
    await page.fill('#input', '/canary prod web start');
    await page.press('#input', 'Enter');
    const modal = page.locator('.modal');
    await modal.waitFor({ timeout: 10_000 });
    await modal.locator('input').fill('prod');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'detached', timeout: 10_000 });
    const status = page.locator('.msg:not(.ephemeral)', { hasText: 'Canary · web · prod' }).last();
    await status.waitFor({ timeout: 10_000 });
    // prod has requireApproval: the canary waits for a second person before green gets any traffic (issue 17).
    await status.locator('button', { hasText: 'Approve' }).waitFor({ timeout: 15_000 });
    await actAs('U0LEAD001');
    await status.locator('button', { hasText: 'Approve' }).click();
    await shows(status, 'Bake ends', 20_000);
    await shows(status, '✅ analysis: green', 30_000);
    expect(greenShare()).toBe(10);

    await page.fill('#quality-tg', 'web-green');
    await page.fill('#quality-errors', '30');
    await page.click('#quality-form button[type=submit]');
    await shows(page.locator('#sandbox-body'), 'web-green 30.0 % 5XX');

    await status.locator('.blk-header', { hasText: '❌ Canary · web · prod' }).waitFor({ timeout: 30_000 });
    await shows(status, "analysis: green's 5XX rate");
    await shows(status, 'Retry');
    expect(greenShare()).toBe(0);
  }, 120_000);
});
