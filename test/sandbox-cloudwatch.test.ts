// The CloudWatch gateway against the sandbox over HTTP (real SDK client, JSON 1.0): alarms as people set them, ALB metrics that follow the weights.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchGateway, loadBalancerDimension, targetGroupDimension, type MetricRef } from '../src/aws/cloudwatch.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';

const ACCOUNT = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111';
const FRONTEND = `${ACCOUNT}:listener/app/prod-web/2222222222222222/2222222222222201`;
const BLUE = `${ACCOUNT}:targetgroup/web-blue/3333333333333301`;
const GREEN = `${ACCOUNT}:targetgroup/web-green/3333333333333302`;
const LB = loadBalancerDimension(FRONTEND);
const alb = (name: string, stat: string, tg?: string): MetricRef => ({
  namespace: 'AWS/ApplicationELB',
  name,
  stat,
  dimensions: tg ? { TargetGroup: targetGroupDimension(tg), LoadBalancer: LB } : { LoadBalancer: LB },
});
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('CloudWatch sandbox through the gateway', () => {
  let s: TestSandbox;
  let cw: CloudWatchGateway;
  beforeAll(async () => {
    s = await startSandbox();
    cw = new CloudWatchGateway(s.clients.cloudwatch, { envName: 'prod', region: 'ap-northeast-1' });
  });
  afterAll(async () => s.close());

  it('names the dimensions the way ALB metrics carry them', () => {
    expect(LB).toBe('app/prod-web/2222222222222222');
    expect(targetGroupDimension(GREEN)).toBe('targetgroup/web-green/3333333333333302');
  });

  it('reads alarms with their state, reason and since; an unknown name is missing, not OK', async () => {
    s.world.setAlarm('web-5xx-high', 'OK');
    s.world.clock.advance(60_000);
    s.world.setAlarm('web-5xx-high', 'ALARM', 'Threshold Crossed: 3 datapoints were greater than 5.0');
    const at = s.world.clock.now();
    const r = await cw.alarms(['web-5xx-high', 'no-such-alarm']);
    expect(r.missing).toEqual(['no-such-alarm']);
    expect(r.found).toEqual([{ name: 'web-5xx-high', state: 'ALARM', reason: 'Threshold Crossed: 3 datapoints were greater than 5.0', since: at }]);
    s.world.clock.advance(30_000);
    s.world.setAlarm('web-5xx-high', 'ALARM', 'still');
    expect((await cw.alarms(['web-5xx-high'])).found[0]!.since).toBe(at);
    s.world.setAlarm('web-5xx-high', 'OK');
  });

  it('splits the listener’s requests between blue and green by the forward weights, minute by minute', async () => {
    const start = Math.ceil(s.world.clock.now() / 60_000) * 60_000;
    s.world.clock.advance(start - s.world.clock.now());
    s.world.cloudwatch.setRequestsPerMinute(1000);
    s.world.elbv2.setRuleWeights(s.world.elbv2.evaluate(FRONTEND, { path: '/', sourceIp: '198.51.100.7' }).ruleArn, { [BLUE]: 90, [GREEN]: 10 });
    s.world.clock.advance(3 * 60_000);
    s.world.cloudwatch.setQuality(GREEN, { errorRate: 0.2, p99Ms: 900 });
    s.world.clock.advance(2 * 60_000);
    const end = s.world.clock.now();
    const r = await cw.series(
      { blueReq: alb('RequestCount', 'Sum', BLUE), greenReq: alb('RequestCount', 'Sum', GREEN), green5xx: alb('HTTPCode_Target_5XX_Count', 'Sum', GREEN), greenP99: alb('TargetResponseTime', 'p99', GREEN), lbReq: alb('RequestCount', 'Sum') },
      start,
      end,
    );
    // requestsPerMinute is per listener, and prod-web has three listeners: the load balancer counts them all.
    expect(r.lbReq!.values).toEqual([3000, 3000, 3000, 3000, 3000]);
    expect(r.lbReq!.timestamps).toEqual([0, 1, 2, 3, 4].map((i) => start + i * 60_000));
    // The frontend listener's own /api/* and /static/* rules take 4 paths of the 10 the public sends (57 %,
    // with the office's 5 % all on /): 620 of 1000 requests a minute reach the weighted default rule, 9 : 1.
    expect(r.blueReq!.values).toEqual([558, 558, 558, 558, 558]);
    expect(r.greenReq!.values).toEqual([62, 62, 62, 62, 62]);
    // Green healthy (0.2 %) for 3 minutes, then 20 % of its requests fail.
    expect(r.green5xx!.values).toEqual([0, 0, 0, 12, 12]);
    expect(r.greenP99!.values).toEqual([0.12, 0.12, 0.12, 0.9, 0.9]);
    // A period with no requests has no datapoint at all: "no data" is never "healthy".
    const before = await cw.series({ q: alb('RequestCount', 'Sum', GREEN) }, start - 10 * 60_000, start);
    expect(before.q).toEqual({ timestamps: [], values: [] });
    const appTg = s.world.elbv2.targetGroupArnByName('prod-web-frontend')!;
    const app = await cw.series({ q: alb('RequestCount', 'Sum', appTg) }, start, end);
    expect(app.q!.values).toEqual([380, 380, 380, 380, 380]);
    expect(sum(r.blueReq!.values) + sum(r.greenReq!.values) + sum(app.q!.values)).toBe(5 * 1000);
    s.world.cloudwatch.setQuality(GREEN, { errorRate: 0.002, p99Ms: 120 });
  });

  it('refuses a bad query the way CloudWatch does', async () => {
    const err = await cw.series({ q: alb('RequestCount', 'Sum') }, 2_000_000_000_000, 1_000_000_000_000).catch((e: unknown) => e);
    expect((err as Error).message).toContain('StartTime must be less than');
  });

  it('the control surface sets an alarm, deletes it, and makes a target group worse', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${s.server.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await post('/_sandbox/alarms', { name: 'gone-alarm', state: 'INSUFFICIENT_DATA' })).status).toBe(200);
    expect((await cw.alarms(['gone-alarm'])).found[0]!.state).toBe('INSUFFICIENT_DATA');
    expect((await post('/_sandbox/alarms', { name: 'gone-alarm', exists: false })).status).toBe(200);
    expect((await cw.alarms(['gone-alarm'])).missing).toEqual(['gone-alarm']);
    const bad = await post('/_sandbox/traffic', { targetGroup: 'web-green', errorRate: 5 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('errorRate is a fraction 0–1');
    expect((await post('/_sandbox/traffic', { targetGroup: 'web-green', errorRate: 0.3 })).status).toBe(200);
    expect(s.world.cloudwatch.qualityOf(GREEN).errorRate).toBe(0.3);
  });
});
