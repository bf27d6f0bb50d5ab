// The playground's language switch in headless Chromium: 日本語 sets the playground people's Slack locale and the
// example environments' language; a maintenance start typed after it is answered and told in Japanese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, openPlayground, type OpenBrowser } from './support/browser.js';
import { loadConfig } from '../src/config/load.js';
import { startPlayground, type Playground } from '../playground/local.js';

const DEV_API = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/dev-web/1111111111111111/1111111111111101';

describe.skipIf(!HAVE_CHROMIUM)('the playground in Japanese', () => {
  let pg: Playground;
  let browser: OpenBrowser | undefined;
  let page: Page;

  beforeAll(async () => {
    pg = await startPlayground({ config: loadConfig('ops.example.yml'), port: 0, databaseUrl: ':memory:', startDelaySeconds: 1, route53SyncSeconds: 1, statusUpdateIntervalMs: 200 });
    browser = await openPlayground(pg.url, { width: 1600, height: 1000 });
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await pg?.close();
  });

  it('日本語: /maintenance start dev is accepted, told and ended in Japanese', async () => {
    await page.selectOption('#language', 'ja');
    await page.waitForFunction(async () => ((await (await fetch("/api/setup")).json()) as { language?: string }).language === 'ja', undefined, { timeout: 5000 });
    await page.selectOption('#user', 'U0DEV0001');
    await page.click('.channel-link:has-text("# dev")');
    await page.fill('#input', '/maintenance start dev');
    await page.press('#input', 'Enter');

    // The answer to the person who typed: in their locale (ja-JP since the switch).
    await page.locator('.msg.ephemeral', { hasText: '受け付けました' }).waitFor({ timeout: 10_000 });
    // The channel's status message: in dev's language (ja since the switch), updated in place to done.
    const done = page.locator('.msg:not(.ephemeral)', { hasText: '✅ メンテナンス開始 · dev' }).last();
    await done.waitFor({ timeout: 15_000 });
    const text = await done.innerText();
    expect(text).toContain('メンテナンス中');
    expect(text).toMatch(/完了 · 依頼者 .* · 開始 \d\d:\d\d JST · 経過 \d+(秒|分)/);
    expect(text).not.toMatch(/Done|requested by|maintenance ON/);
    expect((pg.sandbox.world.elbv2.snapshot() as { listeners: { arn: string; rules: unknown[] }[] }).listeners.find((l) => l.arn === DEV_API)!.rules.length).toBeGreaterThan(1);

    await done.locator('button', { hasText: 'メンテナンス終了' }).click();
    await page.locator('.msg:not(.ephemeral)', { hasText: '✅ メンテナンス終了 · dev' }).last().waitFor({ timeout: 15_000 });
  });

  it('English again: the next message is English', async () => {
    await page.selectOption('#language', 'en');
    await page.waitForFunction(async () => ((await (await fetch("/api/setup")).json()) as { language?: string }).language === 'en', undefined, { timeout: 5000 });
    await page.fill('#input', '/maintenance start dev');
    await page.press('#input', 'Enter');
    await page.locator('.msg:not(.ephemeral)', { hasText: '✅ Maintenance on · dev' }).last().waitFor({ timeout: 15_000 });
  });
});
