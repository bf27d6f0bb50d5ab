// The maintenance report end to end: what the ALB answered during the window, from CloudWatch, checked against the
// sandbox's simulated traffic; /maintenance status shows it while on; the end posts it with a chart. One fast clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { textOf, type SlackMessage } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { until as waitUntil } from './support/wait.js';
import type { MaintenanceReport } from '../src/ops/maintenance-report.js';

const CH = 'C0SHOP001';
const ELB = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
const LB = 'app/shop-web/9999999999999990';
const listener = (n: number) => `${ELB}:listener/${LB}/999999999999999${n}`;

const config = parseConfig(`
timezone: Asia/Tokyo
environments:
  shop:
    region: ap-northeast-1
    channel: ${CH}
    cluster: shop-cluster
    permissions: { operate: [], approve: [], requireApproval: false }
    maintenance:
      listeners:
        - name: frontend
          listenerArn: ${listener(1)}
          response: { redirect: { url: "https://example.com/maintenance", status: 302 } }
          bypass: { sourceIps: ["203.0.113.0/24"] }
        - name: api
          listenerArn: ${listener(2)}
          response: { fixed: { status: 503, contentType: application/json, body: '{"message":"Service Unavailable"}' } }
`);

/** The harness's waiter (it lets simulated time skip ahead while the test waits), in this file's argument order. */
const until = <T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> => waitUntil(check, { what, timeoutMs });

describe('maintenance report from CloudWatch', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
    h.aws.world.cloudwatch.setRequestsPerMinute(1200);
  });
  afterAll(async () => h.close());

  const message = (needle: string) => until(() => h.slack.messages(CH).find((m) => textOf(m.blocks).includes(needle)), `a message with "${needle}"`);
  const sandboxSum = (name: string, dims: Record<string, string>, from: number, to: number) =>
    h.aws.world.cloudwatch.read('AWS/ApplicationELB', name, dims, 'Sum', from, to, 60_000).values.reduce((a, b) => a + b, 0);

  it('counts what the maintenance answered, redirected and let through, shows it in status while on and posts it with a chart at the end', async () => {
    await h.client.command('/maintenance start shop', { user: 'U0SRE0001' });
    await message('✅ Maintenance on · shop');
    const since = h.aws.world.clock.now();
    // Two simulated minutes of traffic against the maintenance rules (six seconds of wall clock).
    await until(() => (h.aws.world.clock.now() - since > 125_000 ? true : undefined), 'two minutes of maintenance');

    await h.client.command('/maintenance status shop', { user: 'U0SRE0001' });
    const status = await until(() => h.slack.ephemerals().find((e) => e.text.includes('📊 *Maintenance report*')), 'the report in status');
    expect(status.text).toMatch(/\*shop-web\* \(frontend, api\): [\d,]+ answered with the maintenance response · [\d,]+ redirected · [\d,]+ let through by the allowlist/);

    await h.client.command('/maintenance end shop', { user: 'U0SRE0001' });
    const done: SlackMessage = await message('✅ Maintenance off · shop');
    const note = await until(() => h.slack.thread(CH, done.ts).find((m) => m.text.includes('📊 *Maintenance report*')), 'the report in the thread');
    const runId = /run `([^`]+)`/.exec(textOf(done.blocks))![1]!;
    const report = (await h.bot.deps.engine.getRun(runId))!.view.report as MaintenanceReport;

    // The numbers are the sandbox's own counts over the window the report names…
    const [lb] = report.loadBalancers;
    expect(lb).toMatchObject({ name: 'shop-web', listeners: ['frontend', 'api'] });
    expect(lb!.fixed).toBe(Math.round(sandboxSum('HTTP_Fixed_Response_Count', { LoadBalancer: LB }, report.from, report.from + Math.ceil((report.to - report.from) / 60_000) * 60_000)));
    expect(lb!.redirect).toBe(Math.round(sandboxSum('HTTP_Redirect_Count', { LoadBalancer: LB }, report.from, report.from + Math.ceil((report.to - report.from) / 60_000) * 60_000)));
    // …and they follow the simulated traffic: 1,200 requests a minute per listener; the api listener answers all of
    // its with the 503, the frontend redirects the public (95 %) and lets the office (5 %) through.
    const minutesOn = (report.to - since) / 60_000;
    expect(lb!.fixed).toBeGreaterThanOrEqual(Math.floor(1200 * minutesOn * 0.95));
    expect(lb!.redirect / lb!.fixed).toBeCloseTo(0.95, 1);
    // The allowlist's count: the frontend's target group over the whole minutes inside the window, where the
    // office's 5 % is all it serves.
    const frontendTg = h.aws.world.elbv2.targetGroupArnByName('shop-web-frontend')!.split(':').at(-1)!;
    expect(report.bypassTo - report.bypassFrom).toBeGreaterThanOrEqual(60_000);
    expect(lb!.bypass).toBe(Math.round(sandboxSum('RequestCount', { TargetGroup: frontendTg, LoadBalancer: LB }, report.bypassFrom, report.bypassTo)));
    const redirectedThen = sandboxSum('HTTP_Redirect_Count', { LoadBalancer: LB }, report.bypassFrom, report.bypassTo);
    expect(lb!.bypass! / redirectedThen).toBeCloseTo(0.05 / 0.95, 2);
    expect(note.text).toContain(`${lb!.fixed.toLocaleString('en-US')} answered with the maintenance response`);
    expect(note.text).toContain(`${lb!.bypass!.toLocaleString('en-US')} let through by the allowlist`);

    const chart = await until(() => h.slack.thread(CH, done.ts).find((m) => m.files?.length), 'the chart in the thread');
    expect(chart.text).toContain('Requests per minute during maintenance');
    const upload = h.slack.uploads().find((u) => u.id === chart.files![0]!.id)!;
    expect(upload.bytes!.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
