// Maintenance decides from AWS, its steps and the environment's facts (the same kv keys as before issue 20), never from
// its status message's view: with the view wiped at the approval pause, the start still finishes and draws every
// listener again, and the end — its view wiped too — still puts every listener back from the remembered change.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from './support/fake-slack.js';
import { startBot, type TestBot } from './support/bot.js';
import { prodConfig } from './guardrails-fixtures.js';
import { databaseOf } from '../src/store/testing.js';

const CH = 'C0PROD001';
const PROD = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222';
const FRONTEND = `${PROD}/2222222222222201`;
const API = `${PROD}/2222222222222203`;

describe('maintenance whose view is lost', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startBot({ config: prodConfig(), userGroups: { S0SRE0001: ['U0SRE0001', 'U0LEAD001'], S0LEADS01: ['U0LEAD001'] } });
  });
  afterAll(async () => t.close());

  const message = (needle: string) =>
    t.slack.waitFor(() => t.slack.messages(CH).find((m) => textOf(m.blocks).includes(needle)), { timeoutMs: 15_000, message: `no status message with "${needle}"` });
  const wipeViews = () => sql`update runs set view = '{}', version = version + 1 where kind = 'maintenance' and ended_at is null`.execute(databaseOf(t.bot.deps.store));
  const answer = (listener: string) => t.aws.world.elbv2.evaluate(listener, { path: '/', sourceIp: '198.51.100.7' });

  it('starts and ends every listener exactly, the view wiped at the approval and during the end', async () => {
    // Start, wiped while it waits for a second person.
    await t.client.command('/maintenance start prod', { user: 'U0SRE0001' });
    const waiting = await message('Waiting for a second person to approve');
    const before = { frontend: answer(FRONTEND), api: answer(API) };
    await wipeViews();
    await t.client.press(waiting, 'run.approve', { user: 'U0LEAD001' });
    const on = await message('✅ Maintenance on · prod');
    for (const name of ['frontend', 'bff', 'api']) expect(textOf(on.blocks)).toContain(`🚧 *${name}*: maintenance ON`);
    expect(answer(API)).toMatchObject({ kind: 'fixed-response', status: 503 });
    expect(answer(FRONTEND)).toMatchObject({ kind: 'redirect' });
    // What the end undoes is an environment fact under its old key, not something on the message.
    expect(await t.bot.deps.store.getKv('maintenance:prod:api')).toMatchObject({ moves: expect.any(Array) });

    // End from the button; its own view wiped as soon as it runs.
    t.bot.deps.engine.once('changed', () => void wipeViews());
    await t.client.press(on, 'maintenance.end', { user: 'U0SRE0001' });
    const off = await message('✅ Maintenance off · prod');
    for (const name of ['frontend', 'bff', 'api']) expect(textOf(off.blocks)).toContain(`🟢 *${name}*: serving normally`);
    expect({ frontend: answer(FRONTEND), api: answer(API) }).toEqual(before);
    expect(await t.bot.deps.store.getKv('maintenance:prod:api')).toBeUndefined();
  });
});
