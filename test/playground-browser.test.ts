// The local playground in headless Chromium: a person types commands and presses buttons; the real bot does the work on the sandbox.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { HAVE_CHROMIUM, openPlayground, type OpenBrowser } from './support/browser.js';
import { loadConfig } from '../src/config/load.js';
import { startPlayground, type Playground } from '../playground/local.js';
import { textOf } from './support/fake-slack.js';

const ARTIFACTS = 'test-artifacts';
const DEV_API = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/dev-web/1111111111111111/1111111111111101';
const PROD_FRONTEND = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';

describe.skipIf(!HAVE_CHROMIUM)('the local playground in a real browser', () => {
  let pg: Playground;
  let browser: OpenBrowser | undefined;
  let page: Page;

  beforeAll(async () => {
    pg = await startPlayground({ config: loadConfig('ops.example.yml'), port: 0, databaseUrl: ':memory:', startDelaySeconds: 1, route53SyncSeconds: 1, statusUpdateIntervalMs: 200 });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await openPlayground(pg.url, { width: 1600, height: 1000 });
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await pg?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `playground-${name}.png`) });
  /** Switches person and waits until the page has re-read what that person sees. */
  const actAs = async (userId: string) => {
    await page.selectOption('#user', userId);
    await page.locator('#user-role', { hasText: userId }).waitFor({ timeout: 5000 });
  };
  /** Waits until the element shows the text (Slack-like pages update a moment after the bot acts). */
  const shows = (where: Locator, text: string, timeout = 10_000) => where.filter({ hasText: text }).first().waitFor({ timeout });
  const openChannel = (name: string) => page.click(`.channel-link:has-text("# ${name}")`);
  const type = async (text: string) => {
    await page.fill('#input', text);
    await page.press('#input', 'Enter');
  };
  /** The newest bot message (not ephemeral) in the open channel whose text contains `needle`. */
  const message = (needle: string) => page.locator('.msg:not(.ephemeral)', { hasText: needle }).last();
  const rulesOf = (arn: string) => (pg.sandbox.world.elbv2.snapshot() as { listeners: { arn: string; rules: unknown[] }[] }).listeners.find((l) => l.arn === arn)!.rules.length;

  it('suggests the commands and their forms as you type', async () => {
    await page.fill('#input', '/main');
    await shows(page.locator('.suggestion').first(), '/maintenance start|end|status <env>');
    await page.fill('#input', '/maintenance ');
    await shows(page.locator('.suggestions'), '/maintenance start <env> [--dry-run]');
    await shot('suggestions');
    await page.fill('#input', '');
  });

  it('/maintenance start dev: the status message updates in place to done, then End maintenance takes it back', async () => {
    await actAs('U0DEV0001');
    await openChannel('dev');
    const before = rulesOf(DEV_API);
    await type('/maintenance start dev');
    // The command's answer is shown to the person who typed it only.
    await page.locator('.msg.ephemeral', { hasText: 'accepted as run' }).waitFor({ timeout: 10_000 });
    await shows(page.locator('.msg.ephemeral').last(), 'Only visible to you');
    const status = message('Maintenance on · dev');
    await status.locator('.blk-header', { hasText: '✅ Maintenance on · dev' }).waitFor({ timeout: 15_000 });
    await shows(status, 'api: maintenance ON');
    // The page showed chat.update's versions of one message, not a new message per step.
    expect(await page.locator('.msg:not(.ephemeral)', { hasText: 'Maintenance on · dev' }).count()).toBe(1);
    const posted = pg.fake.messages('C0DEV0001').find((m) => textOf(m.blocks).includes('Maintenance on · dev'))!;
    expect(posted.updates).toBeGreaterThan(0);
    expect(rulesOf(DEV_API)).toBe(before + 1);
    await shows(page.locator('#sandbox-body'), 'fixed-response 503');
    await shot('maintenance-dev-on');

    await status.locator('button', { hasText: 'End maintenance' }).click();
    await message('Maintenance off · dev').locator('.blk-header', { hasText: '✅ Maintenance off · dev' }).waitFor({ timeout: 15_000 });
    expect(rulesOf(DEV_API)).toBe(before);
    expect(pg.sandbox.world.elbv2.evaluate(DEV_API, { path: '/api/users', sourceIp: '198.51.100.7' }).kind).toBe('forward');
    await shot('maintenance-dev-off');
  }, 60_000);

  it('/startup dev: every service turns ready, in dependency order, while the sandbox panel follows', async () => {
    await actAs('U0DEV0001');
    await openChannel('dev');
    const ecs = pg.sandbox.world.ecs;
    // The sandbox seeds dev stopped, as on a weekday morning before the schedule fires.
    expect(Object.values(ecs.snapshot()['dev-cluster']!).every((s) => s.running === 0)).toBe(true);
    await type('/startup dev');
    const status = message('Startup · dev');
    await status.waitFor({ timeout: 10_000 });
    // Part-way: some services up, others still waiting on their dependencies.
    await status.locator('.blk-context', { hasText: /[1-4]\/5 ready/ }).waitFor({ timeout: 20_000 });
    await shot('startup-dev-progress');
    await status.locator('.blk-header', { hasText: '✅ Startup · dev' }).waitFor({ timeout: 45_000 });
    await shows(status, '5/5 ready');
    for (const svc of ['service-a', 'service-b', 'service-c', 'service-d', 'service-e']) await shows(status, `🟢 ${svc}`);
    const dev = ecs.snapshot()['dev-cluster']!;
    expect(Object.entries(dev).every(([, s]) => s.desired > 0 && s.running === s.desired)).toBe(true);
    await shows(page.locator('#sandbox-body tr[data-service="service-b"]'), '2/2');
    await shot('startup-dev-ready');
  }, 120_000);

  it('prod maintenance: a confirmation modal, a refused approval, then a lead approves', async () => {
    await actAs('U0SRE0001');
    await openChannel('prod');
    const before = rulesOf(PROD_FRONTEND);
    await type('/maintenance start prod');
    const modal = page.locator('.modal');
    await modal.waitFor({ timeout: 10_000 });
    await shows(modal, 'Type prod to confirm');
    await shot('prod-confirm-modal');
    // A wrong word is refused inside the modal, as Slack shows response_action=errors.
    await modal.locator('input').fill('dev');
    await modal.locator('button[type=submit]').click();
    await modal.locator('.input-error', { hasText: 'Type prod exactly' }).waitFor({ timeout: 10_000 });
    await modal.locator('input').fill('prod');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'detached', timeout: 10_000 });
    const status = message('Maintenance on · prod');
    await status.locator('text=Waiting for a second person to approve').waitFor({ timeout: 10_000 });
    expect(rulesOf(PROD_FRONTEND)).toBe(before);

    // Ben operates prod but is not an approver: the bot tells only him.
    await actAs('U0SRE0002');
    await status.locator('button', { hasText: 'Approve' }).click();
    await page.locator('.msg.ephemeral', { hasText: 'may not approve' }).waitFor({ timeout: 10_000 });
    expect(rulesOf(PROD_FRONTEND)).toBe(before);
    await shot('prod-refused-approval');

    await actAs('U0LEAD001');
    expect(await page.locator('.msg.ephemeral', { hasText: 'may not approve' }).count()).toBe(0);
    await status.locator('button', { hasText: 'Approve' }).click();
    await status.locator('.blk-header', { hasText: '✅ Maintenance on · prod' }).waitFor({ timeout: 20_000 });
    await shows(status, 'frontend: maintenance ON');
    expect(pg.sandbox.world.elbv2.evaluate(PROD_FRONTEND, { path: '/', sourceIp: '198.51.100.7' })).toMatchObject({ kind: 'redirect', status: 302 });
    // The approval is recorded in the run's thread: open it.
    await status.locator('.replies').click();
    await shows(page.locator('#thread'), 'Approved by @Lee (lead)');
    await shot('prod-approved-thread');
  }, 60_000);

  it('canary on prod web: confirmed in the modal, green gets its first share, then Rollback (after its confirmation) puts all on blue', async () => {
    const weights = () => {
      const l = (pg.sandbox.world.elbv2.snapshot() as { listeners: { arn: string; rules: { priority: unknown; action: string }[] }[] }).listeners.find((x) => x.arn === PROD_FRONTEND)!;
      return l.rules.map((r) => r.action).join(' | ');
    };
    await actAs('U0SRE0001');
    await openChannel('prod');
    await type('/canary prod web start');
    const modal = page.locator('.modal');
    await modal.waitFor({ timeout: 10_000 });
    await modal.locator('input').fill('prod');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'detached', timeout: 10_000 });
    const status = message('Canary · web · prod');
    await status.waitFor({ timeout: 10_000 });
    // prod has requireApproval: a canary start waits for a second person before its first change (Issue 17).
    await status.locator('button', { hasText: 'Approve' }).waitFor({ timeout: 15_000 });
    await actAs('U0LEAD001');
    await status.locator('button', { hasText: 'Approve' }).click();
    await status.locator('.blk-header', { hasText: '⏳' }).or(status.locator('.blk-header', { hasText: '⏸' })).first().waitFor({ timeout: 15_000 });
    await status.locator('button', { hasText: 'Rollback' }).waitFor({ timeout: 15_000 });
    await pg.fake.waitFor(() => /web-green:[1-9]/.test(weights()), { timeoutMs: 15_000, message: 'green never got a share' });
    await shot('canary-running');
    await actAs('U0SRE0001');
    await status.locator('button', { hasText: 'Rollback' }).click();
    // Slack asks before a danger button with a confirm: the dialog comes first, and nothing is sent until it is confirmed.
    const dialog = page.locator('.dialog');
    await shows(dialog, 'Roll back?');
    await shot('canary-rollback-confirm');
    await dialog.locator('button', { hasText: 'Roll back' }).click();
    await status.locator('.blk-header', { hasText: '↩️' }).waitFor({ timeout: 20_000 });
    expect(weights()).toMatch(/web-blue:[1-9]/);
    expect(weights()).not.toMatch(/web-green:[1-9]/);
    await shot('canary-rolled-back');
  }, 60_000);

  it('a message can never inject HTML into the page', async () => {
    const evil = '<img src=x onerror="window.__pwned=1"> *bold* <script>window.__pwned=2</script> <javascript:alert(1)|click>';
    await pg.bot.app.client.chat.postMessage({ channel: 'C0DEV0001', text: evil, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: evil } }] });
    await openChannel('dev');
    const m = page.locator('.msg', { hasText: 'onerror' }).last();
    await m.waitFor({ timeout: 10_000 });
    expect(await m.locator('img, script, a').count()).toBe(0);
    expect(await m.locator('b').textContent()).toBe('bold');
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});
