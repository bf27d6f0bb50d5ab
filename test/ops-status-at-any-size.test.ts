// /ops status at any size stays within Slack's limits and says what it could not show: 1, 50 and 2,000 services
// (signed slash command → real Bolt receiver → sandbox over real SDK clients → the fake Slack, which rejects
// anything over Slack's limits), 25 listeners all shown, and the full list as a file when the message cannot hold it.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { cutsWhile, limitProblems } from '../blocks/kit.js';
import { environmentStatusView } from '../blocks/status.js';
import { textOf } from './support/fake-slack.js';
import { startBot } from './support/bot.js';

function world(services: number, listeners = 0) {
  const svc = Array.from({ length: services }, (_, i) => `      svc-${i}: { desiredCount: 2 }`).join('\n');
  const ls = Array.from({ length: listeners }, (_, i) => {
    const id = String(i + 1).padStart(2, '0');
    return `        - name: listener-${i}\n          listenerArn: arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/big-web/3333333333333333/33333333333333${id}\n          response: { fixed: { status: 503, contentType: text/plain, body: down } }`;
  }).join('\n');
  return parseConfig(`
timezone: UTC
environments:
  big:
    region: ap-northeast-1
    channel: C0BIG0001
    cluster: big-cluster
    services:
${svc}
${listeners ? `    maintenance:\n      listeners:\n${ls}\n` : ''}`);
}

async function statusOf(services: number, listeners = 0) {
  const t = await startBot({ config: world(services, listeners) });
  try {
    await t.client.command('/ops status big', { user: 'U0DEV0001', channel: 'C0BIG0001' });
    const reply = await t.slack.waitFor(() => t.slack.ephemerals('U0DEV0001').find((e) => e.text.includes('big — live status')), { timeoutMs: 60_000 });
    await t.settled();
    return { reply, uploads: t.slack.uploads(), rejected: t.slack.calls.filter((c) => c.outcome !== 'ok').map((c) => `${c.method}: ${c.outcome}`) };
  } finally {
    await t.close();
  }
}

describe('/ops status at any size', () => {
  it('1 service: one line, no summary, no file', async () => {
    const { reply, uploads } = await statusOf(1);
    const text = textOf(reply.blocks);
    expect(text).toContain('`svc-0` 2/2');
    expect(text).not.toContain('more');
    expect(uploads).toEqual([]);
  });

  it('50 services: every one shown in one message within the limits', async () => {
    const { reply, uploads } = await statusOf(50);
    const text = textOf(reply.blocks);
    for (const i of [0, 25, 49]) expect(text).toContain(`\`svc-${i}\` 2/2`);
    expect(text).toContain('50 services: 50 🟢 running as desired');
    expect(limitProblems(reply.blocks as never)).toEqual([]);
    expect(uploads).toEqual([]);
  }, 60_000);

  it('2,000 services: within 50 blocks, "and N more", the full list as a file in the channel', async () => {
    const { reply, uploads, rejected } = await statusOf(2000);
    expect(rejected).toEqual([]);
    expect(reply.blocks!.length).toBeLessThanOrEqual(50);
    expect(limitProblems(reply.blocks as never)).toEqual([]);
    const text = textOf(reply.blocks);
    expect(text).toContain('2,000 services: 2,000 🟢 running as desired');
    const more = /…and \*([\d,]+) more\*/.exec(text);
    expect(more).not.toBeNull();
    const shown = (text.match(/`svc-\d+` 2\/2/g) ?? []).length;
    expect(shown + Number(more![1]!.replace(/,/g, ''))).toBe(2000);
    expect(text).toContain('ops-status-big.txt');
    expect(uploads).toHaveLength(1);
    const file = uploads[0]!;
    expect(file.filename).toBe('ops-status-big.txt');
    expect(file.channel).toBe('C0BIG0001');
    const lines = file.bytes!.toString('utf8').split('\n').filter((l) => /^🟢 svc-\d+ 2\/2/.test(l));
    expect(lines).toHaveLength(2000);
  }, 180_000);

  it('25 listeners: all 25 shown, not the first 10', async () => {
    const { reply } = await statusOf(1, 25);
    const text = textOf(reply.blocks);
    for (let i = 0; i < 25; i++) expect(text).toContain(`*listener-${i}*: serving normally`);
  }, 60_000);
});

describe('the status view orders and counts', () => {
  it('puts failed and short services first and counts them', () => {
    const services = Array.from({ length: 2100 }, (_, i) => ({ name: `s-${i}`, desired: 2, running: 2, pending: 0, rolloutState: 'COMPLETED' }));
    services[1500] = { name: 's-1500', desired: 2, running: 0, pending: 0, rolloutState: 'FAILED' };
    services[2099] = { name: 's-2099', desired: 3, running: 1, pending: 2, rolloutState: 'IN_PROGRESS' };
    const { value, cuts } = cutsWhile(() => environmentStatusView('prod', { services, maintenance: [], canaries: [], errors: [] }, '14:00 UTC'));
    expect(cuts).toEqual([]);
    expect(limitProblems(value.blocks)).toEqual([]);
    const text = JSON.stringify(value.blocks);
    expect(text).toContain('2,100 services: 1 ❌ failed · 1 ⏳ starting or short of desired · 2,098 🟢 running as desired');
    expect(text.indexOf('`s-1500` 0/2')).toBeLessThan(text.indexOf('`s-2099` 1/3'));
    expect(text.indexOf('`s-2099` 1/3')).toBeLessThan(text.indexOf('`s-0` 2/2'));
    expect(text).toContain(`more*, all running as desired or stopped`);
    expect((text.match(/`s-\d+` /g) ?? []).length + value.servicesLeft).toBe(2100);
    expect(value.servicesLeft).toBeGreaterThan(0);
  });
});
