// Every form of every command that takes --dry-run, walked from the command spec: no AWS change, no store write,
// and an answer that says so; a dry run that fails shows its error.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandSpecs } from '../src/registry.js';
import { databaseOf } from '../src/store/testing.js';
import { startBot, type TestBot } from './support/bot.js';
import { prodConfig } from './guardrails-fixtures.js';
import { onEmitter, until } from './support/wait.js';

const IMAGE = '111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/payment:v2';
const OPERATORS = ['U0SRE0001', ...Array.from({ length: 20 }, (_, i) => `U0DRY${String(i).padStart(4, '0')}`)];

/** A concrete command for each spec form with --dry-run; `WINDOW` is a pending window's id, made before the walk. */
const EXAMPLES: Record<string, string> = {
  '/maintenance start <env> [--dry-run]': '/maintenance start dev --dry-run',
  '/maintenance end <env> [--dry-run]': '/maintenance end dev --dry-run',
  '/maintenance schedule <env> <YYYY-MM-DD HH:MM> <duration like 2h or 90m | end time HH:MM> [--dry-run]': '/maintenance schedule dev 2099-01-05 02:00 2h --dry-run',
  '/maintenance cancel <window id> [--dry-run]': '/maintenance cancel WINDOW --dry-run',
  '/canary <env> <target> start [10,50,100] [--dry-run]': '/canary prod web start 10,100 --dry-run',
  '/canary <env> <target> promote [--full] [--dry-run]': '/canary prod api-internal promote --full --dry-run',
  '/canary <env> <target> pause|rollback [--dry-run]': '/canary prod api-internal rollback --dry-run',
  '/canary <env> <target> set <0-100> [--dry-run]': '/canary prod web set 50 --dry-run',
  '/startup <env> [service …] [--dry-run]': '/startup dev service-b --dry-run',
  '/shutdown <env> [service …] [--dry-run]': '/shutdown dev --dry-run',
  '/deploy <env> <service> <image> [--config NAME] [--dry-run]': `/deploy prod payment ${IMAGE} --dry-run`,
  '/deploy <env> <service> taskdef=<family:revision> [--dry-run]': '/deploy prod payment taskdef=payment:1 --dry-run',
  '/cutover <env> <name> [--dry-run]': '/cutover prod www --dry-run',
  '/scale <env> <service> <count> [--dry-run]': '/scale prod api 1 --dry-run',
};

describe('--dry-run is dry', () => {
  let t: TestBot;
  let window = '';
  beforeAll(async () => {
    t = await startBot({ config: prodConfig(), userGroups: { S0SRE0001: OPERATORS, S0LEADS01: ['U0LEAD001'] }, world: { route53SyncSeconds: 0 } });
    // Something for cancel and the in-run forms to act on: a pending window, and a canary waiting for approval.
    const w = await t.client.command('/maintenance schedule dev 2099-01-01 02:00 1h');
    window = /`(w-[0-9a-z]+-[0-9a-z]+)`/.exec(JSON.stringify(w.body))![1]!;
    const c = await t.client.command('/canary prod api-internal start', { user: 'U0SRE0001' });
    expect(JSON.stringify(c.body)).toContain('accepted as run');
    await t.slack.waitFor(() => t.slack.messages('C0PROD001').find((m) => JSON.stringify(m.blocks).includes('Waiting for a second person')), { timeoutMs: 10_000 });
    // Barrier: every run's message shows its latest version (the store's `shown` rows have caught up), so the
    // snapshot the walk starts from holds no write still on its way from the canary's own start.
    await until(
      async () => {
        const { rows } = await sql<{ n: number }>`select count(*) as n from runs left join shown on shown.run_id = runs.id where shown.version is null or shown.version < runs.version`.execute(databaseOf(t.bot.deps.store));
        return rows[0]!.n === 0;
      },
      { what: "the canary's message to show its latest version", on: onEmitter(t.bot.deps.engine) },
    );
  });
  afterAll(async () => t.close());

  /**
   * Every row of every table of the store, but for a run's `lease_until`: that is its owner's heartbeat, renewed as
   * (simulated) time passes while the walk waits for answers — the engine's liveness, not a write of any command.
   */
  async function storeSnapshot(): Promise<string> {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'kysely_%' order by name`.execute(databaseOf(t.bot.deps.store));
    const out: Record<string, unknown[]> = {};
    for (const { name } of rows) {
      const table = (await sql.raw(`select * from "${name}"`).execute(databaseOf(t.bot.deps.store))).rows as Record<string, unknown>[];
      out[name] = name === 'runs' ? table.map(({ lease_until: _heartbeat, ...row }) => row) : table;
    }
    return JSON.stringify(out);
  }
  const answerTo = (user: string, needle: string) =>
    t.slack.waitFor(() => t.slack.ephemerals(user).find((e) => e.text.includes(needle)), { timeoutMs: 10_000, message: `no answer with "${needle}" to ${user}` });

  it('walks every --dry-run form of the spec: zero AWS changes, zero store writes, "nothing was changed"', async () => {
    const forms = commandSpecs().flatMap((c) => c.forms).filter((f) => f.includes('--dry-run'));
    expect(forms.filter((f) => !(f in EXAMPLES))).toEqual([]);
    const mark = t.aws.world.record.mark();
    const before = await storeSnapshot();
    for (const [i, form] of forms.entries()) {
      const user = OPERATORS[i + 1]!;
      const res = await t.client.command(EXAMPLES[form]!.replace('WINDOW', window), { user });
      expect(res.status).toBe(200);
      const answer = await answerTo(user, 'Dry run');
      expect(answer.text, form).toMatch(/nothing was (changed|scheduled)/);
    }
    expect(t.aws.world.record.mutations(mark)).toEqual([]);
    expect(await storeSnapshot()).toBe(before);
    expect((await t.bot.deps.scheduler.list('dev')).some((s) => s.id.startsWith(`${window}:`))).toBe(true);
  });

  it('a dry run that fails reading AWS shows its error to the person who typed it', async () => {
    t.aws.world.faults.add({ service: 'elbv2', kind: 'error5xx', rate: 1 });
    t.aws.world.faults.add({ service: 'ecs', kind: 'error5xx', rate: 1 });
    try {
      await t.client.command('/maintenance start dev --dry-run', { user: 'U0DRY0019' });
      expect((await answerTo('U0DRY0019', '❌')).text).toMatch(/❌ .+/);
      await t.client.command(`/deploy prod payment ${IMAGE} --dry-run`, { user: 'U0DRY0018' });
      expect((await answerTo('U0DRY0018', '❌')).text).toMatch(/❌ .+/);
    } finally {
      t.aws.world.faults.clear();
    }
  });
});
