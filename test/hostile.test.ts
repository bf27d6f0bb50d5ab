// Hostile conditions: fuzzed commands and button payloads, oversize and odd requests, AWS faults at 30 %,
// concurrent conflicting commands and presses. Each costs nothing: no crash, a clear answer, no mutation twice.
import { stringify } from 'node:querystring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { loadConfig } from '../src/config/load.js';
import { startBot, type TestBot } from './support/bot.js';
import { EXAMPLE_CONFIG } from './support/sandbox.js';
import { textOf } from './support/fake-slack.js';

const COMMANDS = ['/ops', '/maintenance', '/canary', '/startup', '/shutdown', '/deploy', '/cutover', '/scale'];
const WORDS = ['start', 'end', 'status', 'schedule', 'schedules', 'cancel', 'help', 'dev', 'prod', 'staging', 'web', 'api-internal', 'payment', 'www', 'promote', 'rollback', 'set', '50', '10,50,100', '--dry-run', '--config', '--force', 'service-a', 'taskdef=x:1', '2026-12-01', '02:00', '2h', '<!channel>', '<@U0ABC>', '`', '*', '"', "'", '\u00a0', '—dry-run', 'w-zz-zz'];

/** A config where the fuzzing user may operate nothing, so even a well-formed command must not change AWS. */
function lockedConfig() {
  const config = loadConfig(EXAMPLE_CONFIG);
  for (const env of Object.values(config.environments)) env.permissions = { ...env.permissions, operate: ['U0OPS0001'], confirm: false };
  return config;
}

describe('hostile input', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: lockedConfig() });
  });
  afterAll(async () => t.close());

  it('thousands of fuzzed command texts: always a 200 answer, never a crash, never a mutating AWS call', async () => {
    const mark = t.aws.world.record.mark();
    const text = fc.oneof(
      fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }).map((w) => w.join(' ')),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.constant('x'.repeat(5000)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMANDS), text, async (cmd, args) => {
        const res = await t.client.command(`${cmd} ${args}`, { user: 'U0FUZZ001' });
        expect(res.status).toBe(200);
        if (res.body !== '' && typeof res.body === 'object') expect((res.body as { text?: string }).text ?? '').not.toBe('');
      }),
      { numRuns: 1400, seed: 20261125 },
    );
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    expect(t.logs.join('')).not.toContain('unhandled error');
  }, 120_000);

  it('fuzzed button payloads: acknowledged, refused in words, nothing changed', async () => {
    const mark = t.aws.world.record.mark();
    const answered = t.slack.replies().length;
    const actionId = fc.constantFrom('run.approve', 'run.rollback', 'run.retry', 'run.cancel', 'run.stop', 'maintenance.end', 'schedule.skip', 'schedule.cancel', 'run.x');
    const value = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.json(),
      fc.record({ r: fc.string(), n: fc.string() }).map((v) => JSON.stringify(v)),
      fc.constantFrom('{"r":"r-abc-123456","n":"anytime"}', 'prod', 'dev', '{"s":"cfg:dev:startup","at":1}', '{"s":"w-a-b","at":-1}'),
    );
    await fc.assert(
      fc.asyncProperty(actionId, value, async (action_id, v) => {
        const payload = {
          type: 'block_actions',
          user: { id: 'U0FUZZ001', username: 'fuzz', team_id: 'T0FAKE0001' },
          api_app_id: 'A0FAKE',
          token: 'x',
          container: { type: 'message', message_ts: '1.1', channel_id: 'C0DEV0001', is_ephemeral: false },
          trigger_id: '1.2.3',
          team: { id: 'T0FAKE0001', domain: 'fake' },
          channel: { id: 'C0DEV0001', name: 'dev' },
          response_url: t.slack.responseUrl(`fuzz-${Math.random()}`, { user: 'U0FUZZ001', channel: 'C0DEV0001' }),
          actions: [{ action_id, block_id: 'b', value: v, type: 'button', action_ts: '1.1', text: { type: 'plain_text', text: 'x' } }],
        };
        const res = await t.client.raw(stringify({ payload: JSON.stringify(payload) }));
        expect(res.status).toBe(200);
      }),
      { numRuns: 600, seed: 7 },
    );
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    // Each press is answered in words on its response_url (unreadable payload, unknown run, no rights…).
    const replies = t.slack.replies().slice(answered);
    expect(replies.length).toBeGreaterThanOrEqual(500);
    expect(replies.every((r) => JSON.stringify(r).match(/⚠️|⛔|no longer exists|Nothing left|already/))).toBe(true);
    expect(t.logs.join('')).not.toContain('unhandled error');
  }, 120_000);

  it('an oversize body and a wrong content type are refused with no side effect, and the bot still answers', async () => {
    const calls = t.slack.calls.length;
    const big = await t.client.raw(`command=%2Fops&text=${'a'.repeat(2 * 1024 * 1024)}`);
    expect(big.status).toBe(401);
    const json = await t.client.raw(JSON.stringify({ command: '/maintenance', text: 'start dev' }), {}, { contentType: 'application/json' });
    expect(json.status).not.toBe(500);
    expect(t.slack.calls.length).toBe(calls);
    expect((await t.client.command('/ops help')).status).toBe(200);
  });
});

describe('concurrency', () => {
  let t: TestBot;
  beforeAll(async () => {
    const config = parseConfig(`
environments:
  dev:
    region: ap-northeast-1
    channel: C0DEV0001
    cluster: dev-cluster
    permissions: { operate: [], approve: [U0LEAD001], requireApproval: true }
    maintenance:
      listeners:
        - name: api
          listenerArn: arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/dev-web/1111111111111111/1111111111111101
          response: { fixed: { status: 503 } }
`);
    t = await startBot({ config });
  });
  afterAll(async () => t.close());

  it('twenty people typing start at once make one run; the rest are told who holds it', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => t.client.command('/maintenance start dev', { user: `U0USER${String(i).padStart(4, '0')}` })));
    const texts = answers.map((a) => JSON.stringify(a.body));
    expect(texts.filter((x) => x.includes('accepted as run'))).toHaveLength(1);
    expect(texts.filter((x) => x.includes('is busy'))).toHaveLength(19);
  });

  it('ten fast presses of Approve are one approval and one set of changes', async () => {
    const msg = await t.slack.waitFor(() => t.slack.messages('C0DEV0001').find((m) => textOf(m.blocks).includes('Waiting for a second person')), { timeoutMs: 5000 });
    const mark = t.aws.world.record.mark();
    await Promise.all(Array.from({ length: 10 }, () => t.client.press(msg, 'run.approve', { user: 'U0LEAD001', asShown: true })));
    await t.slack.waitFor(() => t.slack.messages('C0DEV0001').some((m) => m.text.includes('✅')), { timeoutMs: 10_000 });
    expect(t.aws.world.record.mutations(mark)).toEqual(['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule']);
    expect(t.slack.thread('C0DEV0001', msg.ts).filter((m) => m.text.includes('Approved by'))).toHaveLength(1);
  });
});

describe('AWS faults at 30 %', () => {
  it('maintenance start and end still end in the right state, with no mutation applied twice', async () => {
    const t = await startBot({ maxAttempts: 10 });
    try {
      t.aws.world.faults.add({ service: 'elbv2', kind: 'throttle', rate: 0.15 });
      t.aws.world.faults.add({ service: 'elbv2', kind: 'error5xx', rate: 0.15 });
      t.aws.world.faults.add({ service: 'elbv2', kind: 'latency', rate: 0.1, latencyMs: 150 });
      for (let round = 0; round < 3; round += 1) {
        for (const action of ['start', 'end'] as const) {
          const mark = t.aws.world.record.mark();
          const before = t.slack.messages('C0DEV0001').length;
          await t.client.command(`/maintenance ${action} dev`, { user: 'U0DEV0001' });
          const msg = await t.slack.waitFor(() => t.slack.messages('C0DEV0001').slice(before).find((m) => /✅|❌/.test(m.text)), { timeoutMs: 20_000 });
          expect(msg.text).toContain('✅');
          expect(t.aws.world.record.mutations(mark)).toEqual(
            action === 'start' ? ['elbv2:SetRulePriorities', 'elbv2:SetRulePriorities', 'elbv2:CreateRule'] : ['elbv2:DeleteRule', 'elbv2:SetRulePriorities', 'elbv2:SetRulePriorities'],
          );
        }
      }
      expect(t.aws.world.record.since(0).filter((c) => c.error !== undefined).length).toBeGreaterThan(5);
      const all = t.logs.join('');
      expect(all).not.toContain(t.secrets.botToken);
      expect(all).not.toContain(t.secrets.signingSecret);
    } finally {
      await t.close();
    }
  }, 120_000);
});
