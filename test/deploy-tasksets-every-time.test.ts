// Issue 16 item 5: a task-set deploy works every time, whichever colour is live. After blue → green, the next deploy
// goes green → blue, and so on; the message's Traffic line is what Route 53 holds. Signed Slack in, sandbox as evidence.
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { DescribeTaskSetsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startHarness, type Harness } from './support/fast-bot.js';
import { envYaml, OPEN, opsConfig, prodEnv } from './support/harness.js';

const CH = 'C0PROD001';
const ACCT = '111111111111';
const ZONE = 'Z0PRIVATE0001';
const CLUSTER = 'prod-cluster';
const SVC = 'ledger';
const RECORD = `${SVC}.internal.example.`;
const registry = (colour: 'blue' | 'green') => `arn:aws:servicediscovery:ap-northeast-1:${ACCT}:service/srv-${SVC}-${colour}`;

const config = opsConfig({ prod: prodEnv({ permissions: OPEN, ...envYaml(`
    services:
      ${SVC}: { desiredCount: 2 }
    canary:
      ${SVC}:
        route53: { hostedZoneId: ${ZONE}, recordName: ${RECORD}, type: CNAME, blue: ${SVC}-blue, green: ${SVC}-green }
        steps: [50, 100]
        bakeSeconds: 0
    deploy:
      ${SVC}:
        strategy: tasksets
        container: app
        port: 8080
        canary: ${SVC}
        blueRegistryArn: ${registry('blue')}
        greenRegistryArn: ${registry('green')}
        terminationWaitMinutes: 0
`) }) });

describe('task-set deploys, one after another', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config });
  });
  afterAll(async () => h.close());

  const weights = async () => {
    const sets = (await h.aws.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE }))).ResourceRecordSets ?? [];
    const w = (id: string) => sets.find((r) => r.SetIdentifier === id)?.Weight;
    return { blue: w(`${SVC}-blue`), green: w(`${SVC}-green`) };
  };
  const liveTaskSets = async () =>
    ((await h.aws.clients.ecs.send(new DescribeTaskSetsCommand({ cluster: CLUSTER, service: SVC }))).taskSets ?? []).filter((t) => t.status !== 'DRAINING');
  const finals = () => h.slack.messages(CH).filter((m) => /[✅❌] Deploy · ledger · prod/.test(textOf(m.blocks)));
  async function deploy(tag: string): Promise<string> {
    const n = finals().length;
    await h.client.command(`/deploy prod ${SVC} ${ACCT}.dkr.ecr.ap-northeast-1.amazonaws.com/${SVC}:${tag}`, { user: 'U0DEV0001' });
    const done = await h.slack.waitFor(() => (finals().length > n ? finals().at(-1) : undefined), { timeoutMs: 30_000, message: `deploy ${tag} to end` });
    return textOf(done.blocks);
  }

  it('blue → green → blue → green: each deploy succeeds, lands on the other colour, and the message shows what AWS has', async () => {
    expect(await weights()).toEqual({ blue: 100, green: 0 });
    const expected = ['green', 'blue', 'green'] as const;
    for (const [i, colour] of expected.entries()) {
      const text = await deploy(`v${i + 2}`);
      expect(text, `deploy ${i + 1}`).toContain('✅ Deploy · ledger · prod');
      expect(text).toContain(`${colour} serves all traffic`);
      expect(await weights()).toEqual(colour === 'green' ? { blue: 0, green: 100 } : { blue: 100, green: 0 });
      expect(text).toContain(colour === 'green' ? '🔵 blue 0 % · 🟢 green 100 %' : '🔵 blue 100 % · 🟢 green 0 %');
      const sets = await liveTaskSets();
      expect(sets).toHaveLength(1);
      expect(sets[0]).toMatchObject({ status: 'PRIMARY', serviceRegistries: [{ registryArn: registry(colour) }] });
      expect(sets[0]!.taskDefinition).toMatch(new RegExp(`task-definition/${SVC}:${i + 2}$`));
    }
  }, 120_000);

  it('refused while half done, the message shows the weights AWS holds, not blue 100 %', async () => {
    // Green is live now; someone moves a quarter of the traffic to blue by hand.
    await h.aws.clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: ZONE,
        ChangeBatch: {
          Changes: [
            { Action: 'UPSERT', ResourceRecordSet: { Name: RECORD, Type: 'CNAME', SetIdentifier: `${SVC}-blue`, Weight: 25, TTL: 60, ResourceRecords: [{ Value: `blue.${SVC}.internal.example` }] } },
            { Action: 'UPSERT', ResourceRecordSet: { Name: RECORD, Type: 'CNAME', SetIdentifier: `${SVC}-green`, Weight: 75, TTL: 60, ResourceRecords: [{ Value: `green.${SVC}.internal.example` }] } },
          ],
        },
      }),
    );
    const mark = h.aws.world.record.mark();
    const text = await deploy('v9');
    expect(text).toContain('❌ Deploy · ledger · prod');
    expect(text).toContain(`Route 53 sends 25 % of ${RECORD} to blue`);
    expect(text).toContain(`set 100`);
    expect(text).toContain('🔵 blue 25 % · 🟢 green 75 %');
    expect(h.aws.world.record.mutations(mark).filter((m) => !m.startsWith('ecs:RegisterTaskDefinition'))).toEqual([]);
  });
});
