// The playground as a new user meets it: a link to a run's message opens that message in the playground (not
// slack.com), /favicon.ico answers, the sandbox panel says which services are set to fail and each alarm's state, and
// the page fits a 1024 px wide window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, openPlayground, type OpenBrowser } from './support/browser.js';
import { loadConfig } from '../src/config/load.js';
import { startPlayground, type Playground } from '../playground/local.js';
import { onEmitter, until } from './support/wait.js';

const DEV = 'C0DEV0001';
const DEV_USER = 'U0DEV0001';

describe('the playground: links, favicon, sandbox panel, 1024 px', () => {
  let pg: Playground;
  let refusal: string;

  beforeAll(async () => {
    pg = await startPlayground({ config: loadConfig('ops.example.yml'), port: 0, databaseUrl: ':memory:', startDelaySeconds: 600, route53SyncSeconds: 1, statusUpdateIntervalMs: 200 });
    // Tasks take ten minutes to start, so the startup holds dev's services for as long as the test needs it running;
    // service-e (which waits on the others) is set to fail for the panel to show.
    await post('/api/sandbox/fail-service', { cluster: 'dev-cluster', service: 'service-e', fail: true });
    await post('/api/command', { text: '/startup dev', user: DEV_USER, channel: DEV });
    await until(() => pg.fake.messages(DEV).some((m) => m.ts !== undefined && JSON.stringify(m.blocks).includes('Startup · dev')), { what: 'the startup status message', on: onEmitter(pg.fake.events, 'change') });
    await post('/api/command', { text: '/startup dev', user: DEV_USER, channel: DEV });
    refusal = await until(() => pg.fake.ephemerals(DEV_USER).find((e) => e.text.includes('is busy'))?.text, { what: 'the refusal of the second /startup dev', on: onEmitter(pg.fake.events, 'change') });
  }, 60_000);

  afterAll(async () => {
    await pg?.close();
  });

  async function post(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(new URL(path, pg.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, `${path} answered ${res.status}`).toBe(200);
    return res.json();
  }

  it('/favicon.ico answers with the icon, not 404', async () => {
    const res = await fetch(new URL('/favicon.ico', pg.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toMatch(/^<svg /);
  });

  it("a busy refusal links the holder's message on the workspace auth.test names, and that link opens the playground on it", async () => {
    const status = pg.fake.messages(DEV).find((m) => JSON.stringify(m.blocks).includes('Startup · dev'))!;
    const link = /<(http[^|>]+)\|its message>/.exec(refusal)?.[1];
    // The workspace's URL (auth.test), as Slack's own permalinks have it — before, every link went to slack.com.
    expect(link).toBe(`${pg.fake.origin}/archives/${DEV}/p${status.ts.replace('.', '')}`);
    const hop = await fetch(link!, { redirect: 'manual' });
    expect(hop.status).toBe(302);
    const page = new URL(hop.headers.get('location')!);
    expect(page.origin + '/').toBe(pg.url);
    expect(page.pathname).toBe(`/archives/${DEV}/p${status.ts.replace('.', '')}`);
    const html = await fetch(page);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<div class="app">');
  });

  it('the sandbox state says which services are set to fail', async () => {
    const state = (await (await fetch(new URL('/api/sandbox', pg.url))).json()) as { ecs: Record<string, Record<string, { failing: boolean }>> };
    expect(state.ecs['dev-cluster']!['service-e']!.failing).toBe(true);
    expect(state.ecs['dev-cluster']!['service-b']!.failing).toBe(false);
  });

  describe.skipIf(!HAVE_CHROMIUM)('in a real browser, 1024 px wide', () => {
    let browser: OpenBrowser | undefined;
    let page: Page;

    beforeAll(async () => {
      browser = await openPlayground(pg.url, { width: 1024, height: 768 });
      page = browser.page;
      await page.selectOption('#user', DEV_USER);
      await page.locator('#user-role', { hasText: DEV_USER }).waitFor({ timeout: 5000 });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
    });

    it('fits: no sideways scrolling, and the channel keeps room to read', async () => {
      const [scroll, client] = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as [number, number];
      expect(scroll).toBeLessThanOrEqual(client);
      const channel = await page.locator('main.channel').boundingBox();
      expect(channel!.width).toBeGreaterThanOrEqual(480);
      // The sandbox panel is whole on the screen.
      const panel = await page.locator('aside.sandbox').boundingBox();
      expect(panel!.x + panel!.width).toBeLessThanOrEqual(1024);
    });

    it('the sandbox panel marks a service set to fail, offers to heal it, and shows each alarm with its state', async () => {
      const row = page.locator('#sandbox-body tr[data-service="service-e"]');
      await row.filter({ hasText: 'set to fail' }).waitFor({ timeout: 5000 });
      expect(await row.locator('button').innerText()).toBe('heal');
      expect(await page.locator('#sandbox-body tr[data-service="service-b"]').innerText()).not.toContain('set to fail');
      await page.fill('#alarm-name', 'web-5xx-high');
      await page.selectOption('#alarm-state', 'ALARM');
      await page.click('#alarm-form button[type=submit]');
      await page.locator('#sandbox-body tr[data-alarm="web-5xx-high"]', { hasText: 'ALARM since' }).waitFor({ timeout: 5000 });
      await page.locator('#sandbox-body tr[data-alarm="checkout-5xx"]', { hasText: 'OK since' }).waitFor({ timeout: 5000 });
    });

    it("pressing the refusal's link opens the run's message here, marked, with its permalink in the address bar", async () => {
      await page.click('.channel-link:has-text("# prod")');
      await page.click('.channel-link:has-text("# dev")');
      const status = pg.fake.messages(DEV).find((m) => JSON.stringify(m.blocks).includes('Startup · dev'))!;
      await page.locator('.msg.ephemeral a', { hasText: 'its message' }).last().click();
      const marked = page.locator('.msg.focused');
      await marked.waitFor({ timeout: 5000 });
      expect(await marked.getAttribute('data-ts')).toBe(status.ts);
      expect(new URL(page.url()).pathname).toBe(`/archives/${DEV}/p${status.ts.replace('.', '')}`);
      expect(page.context().pages()).toHaveLength(1);
      // Opened cold (a link from elsewhere), the page lands on the same message.
      const other = await page.context().newPage();
      await other.goto(page.url());
      await other.locator(`.msg.focused[data-ts="${status.ts}"]`).waitFor({ timeout: 10_000 });
      await other.close();
    });
  });
});
