// The CloudWatch gateway's calls against moto_server as well as the sandbox: DescribeAlarms for the gates, GetMetricData
// for the analysis and the report, with metrics written by PutMetricData. Real SDK client, real HTTP, loopback only.
import { PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, destroyClients, type AwsClients } from '../src/aws/clients.js';
import { CloudWatchGateway } from '../src/aws/cloudwatch.js';
import { trafficWatch } from '../src/adapters/watch.js';
import { judgeAlarms, judgeCanary } from '../src/ops/gates.js';
import { AnalysisSchema } from '../src/config/cloudwatch.js';
import { startMoto, type Moto } from './support/moto-cloudwatch.js';

describe('CloudWatch gateway against moto', () => {
  let moto: Moto;
  let clients: AwsClients;
  let cw: CloudWatchGateway;
  beforeAll(async () => {
    moto = await startMoto();
    // Credentials are built here at run time; moto accepts any.
    clients = createClients({ region: 'ap-northeast-1' }, { endpoint: moto.url, credentials: { accessKeyId: ['moto', 'key'].join(''), secretAccessKey: ['moto', 'secret'].join('-') }, retryDelayMs: 5, maxAttempts: 2 });
    cw = new CloudWatchGateway(clients.cloudwatch, { envName: 'prod', region: 'ap-northeast-1' });
  }, 30_000);
  afterAll(async () => {
    destroyClients(clients);
    await moto.stop();
  });

  it('reads an alarm moto holds, with its state and reason, and calls an unknown one missing', async () => {
    await clients.cloudwatch.send(
      new PutMetricAlarmCommand({ AlarmName: 'web-5xx-high', Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' }),
    );
    await clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'web-5xx-high', StateValue: 'ALARM', StateReason: 'Threshold Crossed: 1 datapoint [31.0] was greater than the threshold (10.0).' }));
    const read = await cw.alarms(['web-5xx-high', 'never-created']);
    expect(read.missing).toEqual(['never-created']);
    expect(read.found).toHaveLength(1);
    expect(read.found[0]).toMatchObject({ name: 'web-5xx-high', state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [31.0] was greater than the threshold (10.0).' });
    // moto sends no StateTransitionedTimestamp: the gateway falls back to StateUpdatedTimestamp rather than 0.
    expect(Math.abs(read.found[0]!.since - Date.now())).toBeLessThan(60_000);
    const verdict = judgeAlarms(['web-5xx-high', 'never-created'], read, Date.now(), { insufficientDataSeconds: 300 }, 'UTC');
    expect(verdict.failure).toContain('alarm `web-5xx-high` in ALARM');
    expect(verdict.lines).toContain('❌ alarm never-created does not exist');
  });

  it('reads metric series written with PutMetricData, per minute, and compares green with blue from them', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
    const put = (color: string, name: string, values: number[]) =>
      clients.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'Shop/Api',
          MetricData: values.map((v, i) => ({ MetricName: name, Dimensions: [{ Name: 'Color', Value: color }], Value: v, Timestamp: new Date(minute + i * 60_000 + 1000) })),
        }),
      );
    await put('blue', 'Requests', [900, 900, 900]);
    await put('blue', 'Errors', [2, 1, 2]);
    await put('green', 'Requests', [100, 100, 100]);
    await put('green', 'Errors', [10, 12, 14]);
    const m = (color: string, name: string) => ({ namespace: 'Shop/Api', name, dimensions: { Color: color }, stat: 'Sum' });
    const series = await cw.series({ g: m('green', 'Requests') }, minute - 60_000, minute + 10 * 60_000);
    expect(series.g!.values).toEqual([100, 100, 100]);
    expect(series.g!.timestamps).toEqual([...series.g!.timestamps].sort((a, b) => a - b));

    const watch = trafficWatch(cw, [], { blue: { requests: m('blue', 'Requests'), errors: m('blue', 'Errors') }, green: { requests: m('green', 'Requests'), errors: m('green', 'Errors') }, what: 'Shop/Api blue vs green', errorWord: 'error' }, 'check ops.yml');
    const cmp = await watch.compare!(minute - 60_000, minute + 10 * 60_000);
    const verdict = judgeCanary(cmp, AnalysisSchema.parse({}));
    expect(verdict.green).toMatchObject({ requests: 300, errors: 36 });
    expect(verdict.blue).toMatchObject({ requests: 2700, errors: 5 });
    expect(verdict.outcome).toBe('fail');
    expect(verdict.why).toContain("green's error rate 12.0 %");
  });
});
