// The gateways' own sentences are said in the reader's language too (issue 21, session 6): what a call was about
// ("listener "frontend" (…) in ap-northeast-1"), and the errors a gateway says itself with AWS's reason (a priority
// already taken, a task set that no longer exists). Real SDK clients against the sandbox on loopback; the English
// message (logs, the audit) is what it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcsGateway } from '../src/aws/ecs.js';
import { Elbv2Gateway } from '../src/aws/elbv2.js';
import { sayError } from '../src/i18n/index.js';
import { startSandbox, type TestSandbox } from './support/sandbox.js';
import { englishLines } from './support/english.js';
import { failure } from './support/wait.js';

const FRONTEND = 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/prod-web/2222222222222222/2222222222222201';

describe("the gateways' own words in the reader's language", () => {
  let aws: TestSandbox;
  beforeAll(async () => {
    aws = await startSandbox();
  });
  afterAll(async () => aws.close());

  it('a rule priority already taken on a listener named in ops.yml', async () => {
    const elbv2 = new Elbv2Gateway(aws.clients.elbv2, { envName: 'prod', region: 'ap-northeast-1', listenerNames: { [FRONTEND]: 'frontend' } });
    const err = await failure(elbv2.createRule(FRONTEND, 1, [{ field: 'path-pattern', values: ['/taken'] }], { type: 'fixed-response', status: 503, contentType: 'text/plain', body: 'x' }));
    expect(err.message).toBe('priority 1 on listener "frontend" (app/prod-web/2222222222222222/2222222222222201) is already taken by another rule — move that rule first or pick a free priority');
    const ja = sayError(err, 'ja');
    expect(ja).toBe('リスナー "frontend"（app/prod-web/2222222222222222/2222222222222201） の優先度 1 は別のルールが使用中です。先にそのルールを移動するか、空いている優先度を選んでください');
    expect(englishLines(ja)).toEqual([]);
  });

  it('a task set that no longer exists, and what the call was about', async () => {
    const ecs = new EcsGateway(aws.clients.ecs, { envName: 'prod', region: 'ap-northeast-1', cluster: 'prod-cluster' });
    const err = await failure(ecs.deleteTaskSet('api-internal', 'ecs-svc/0000000000000000000'));
    expect(err.message).toBe('deleting task set ecs-svc/0000000000000000000 of service api-internal: the task set no longer exists — it may have been deleted by another run');
    const ja = sayError(err, 'ja');
    expect(ja).toBe('サービス api-internal のタスクセット ecs-svc/0000000000000000000 の削除: タスクセットはもう存在しません。別の run が削除したのかもしれません');
    expect(englishLines(ja)).toEqual([]);
  });
});
