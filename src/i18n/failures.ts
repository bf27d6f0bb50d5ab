// Why a run failed when the operation itself says so (not AWS's error): the ❌ line on the run's message, in the
// environment's language (`OpError`, src/i18n/catalog.ts). ECS/CodeDeploy states, ids, names and AWS's own
// reason text stay as written.
import type { Shape } from './catalog.js';

export const en = {
  // startup / shutdown (a row's "why" and the run's ❌ line)
  rolloutFailed: 'rollout FAILED',
  failedTasks: (p: { n: number; threshold: number }) => `${p.n} failed tasks (threshold ${p.threshold})`,
  unableToStart: 'ECS is unable to consistently start tasks successfully',
  notReadyAfter: (p: { seconds: number }) => `not ready after ${p.seconds}s`,
  // `failed`: "key: why; key: why" (each why already in the run's language); `held`: "c, d" or ''.
  servicesFailed: (p: { failed: string; held: string }) => `${p.failed}${p.held ? ` — held back: ${p.held}` : ''}`,
  leftRunning: (p: { left: string }) => `left running: ${p.left}`,
  sfnEnded: (p: { status: string; error: string; cause: string }) =>
    `Step Functions execution ${p.status}${p.error ? `: ${p.error}` : ''}${p.cause ? ` — ${p.cause}` : ''}`,
  // scale
  deploymentsInFlight: (p: { name: string; n: number; env: string }) =>
    `\`${p.name}\` has ${p.n} deployments in flight — scale it once they end (\`/ops status ${p.env}\`)`,
  desiredChangedBySomeone: (p: { name: string; desired: number; count: number }) =>
    `someone else changed \`${p.name}\`'s desired count to ${p.desired} while it scaled to ${p.count} — look at the service's events before scaling again`,
  tasksFailedToStart: (p: { name: string; n: number; env: string }) =>
    `${p.n} tasks of \`${p.name}\` failed to start — its events say why (\`/ops status ${p.env}\`)`,
  // canary
  canaryReadBack: (p: { blue: number; green: number; wantBlue: number; wantGreen: number }) =>
    `weights read back blue ${p.blue} · green ${p.green} after setting blue ${p.wantBlue} · green ${p.wantGreen} — someone else changed them?`,
  canaryBackOnBlue: 'all traffic is back on blue — Retry starts the canary again from step 1',
  canaryNothingMoved: 'nothing was moved — Retry when the gate can pass',
  canaryRollbackStuck: (p: { green: number; blue: number; via: 'alb' | 'route53' }) =>
    `rollback sent, but green reads weight ${p.green} (blue ${p.blue}) — check the ${p.via === 'alb' ? 'listener' : 'records'} by hand`,
  // deploy
  codeDeployEnded: (p: { id: string; status: string; message: string }) => `deployment ${p.id} ${p.status}: ${p.message || 'no message'}`,
  codeDeployIs: (p: { id: string; status: string }) => `deployment ${p.id} is ${p.status}`,
  ecsRollbackFailed: (p: { id: string; reason: string }) =>
    `ECS could not roll back deployment ${p.id}: ${p.reason || 'no reason given'} — look at the service's deployments in the ECS console`,
  productionRuleSplit: (p: { both: boolean; path: string }) =>
    `the production rule sends traffic to ${p.both ? 'both' : 'neither'} of the target groups in ${p.path} — a deployment may be half done; look at the service's deployments before deploying`,
  noDeploymentListed: (p: { service: string }) => `ECS accepted UpdateService but lists no deployment of ${p.service} in progress`,
  ecsDeploymentEnded: (p: { id: string; status: string; reason: string }) => `ECS deployment ${p.id} ended ${p.status}: ${p.reason || 'no reason given'}`,
  // maintenance
  partlyInMaintenance: (p: { name: string; marked: number; expected: number }) =>
    `${p.name} is only partly in maintenance (${p.marked} of its ${p.expected} rules exist, from a start that did not finish) — press Retry on that run, or run /maintenance end and start again`,
  nothingChanged: (p: { why: string }) => `${p.why} — nothing changed`,
  priorityReadBack: (p: { rule: string; listener: string; now: string; to: number }) => `rule ${p.rule} of ${p.listener} reads priority ${p.now} after the move to ${p.to}`,
  // blue/green with task sets
  taskSetReadBack: (p: { o: string; n: string; blue: number; green: number; wantBlue: number; wantGreen: number; canary: string; env: string; pct: number }) =>
    `weights read back ${p.o} ${p.blue} · ${p.n} ${p.green} after setting ${p.o} ${p.wantBlue} · ${p.n} ${p.wantGreen} — did someone change the records (a /canary on ${p.canary})? Roll back by hand with \`/canary ${p.env} ${p.canary} set ${p.pct}\``,
  taskSetRollbackStuck: (p: { o: string; n: string; blue: number; green: number; canary: string }) =>
    `rollback sent, but ${p.n} reads weight ${p.green} (${p.o} ${p.blue}) — check ${p.canary}'s records by hand`,
  taskSetDidNotComeUp: (p: { n: string; o: string; why: string; id: string }) =>
    `${p.n} did not come up: ${p.why} — ${p.n} task set ${p.id} was deleted and all traffic stayed on ${p.o}; see the stopped tasks' reason in the ECS console, fix the image, then deploy again`,
  // A wait that ran out (ctx.poll): what was waited for, said by the operation in the reader's language.
  timedOut: (p: { seconds: number; what: string }) => `timed out after ${p.seconds}s waiting for ${p.what}`,
  wait: {
    tasksRunning: (p: { name: string; n: number }) => `${p.name} to run ${p.n} task${p.n === 1 ? '' : 's'}`,
    insync: (p: { change: string }) => `Route 53 change ${p.change} to go INSYNC`,
    backOnBlue: 'traffic back on blue',
    productionBackOnBlue: 'production traffic back on blue',
    stoppedDrained: 'the stopped services to drain',
    drain: (p: { name: string }) => `${p.name} to drain`,
    steadyState: (p: { name: string; id: string }) => `${p.name} task set ${p.id} to reach STEADY_STATE`,
  },
  // DNS cutover
  cutoverRefused: (p: { why: string }) => `cutover refused, nothing changed: ${p.why}`,
  recordsDifferAfterChange: (p: { records: string }) => `records read back different after the change: ${p.records}`,
  recordsDifferAfterSwitchBack: (p: { records: string; name: string }) =>
    `records read back different after switching back: ${p.records} — check ${p.name} by hand`,
  nothingCaptured: (p: { name: string }) => `no records were captured before the switch — check ${p.name} by hand`,
};

export const ja: Shape<typeof en> = {
  rolloutFailed: 'ロールアウト失敗（FAILED）',
  failedTasks: (p) => `失敗タスク ${p.n}（しきい値 ${p.threshold}）`,
  unableToStart: 'ECS がタスクを安定して起動できません（unable to consistently start tasks）',
  notReadyAfter: (p) => `${p.seconds}秒たっても準備完了になりません`,
  servicesFailed: (p) => `${p.failed}${p.held ? ` — 保留: ${p.held}` : ''}`,
  leftRunning: (p) => `停止できず動いたまま: ${p.left}`,
  sfnEnded: (p) => `Step Functions の実行が ${p.status} で終了${p.error ? `: ${p.error}` : ''}${p.cause ? ` — ${p.cause}` : ''}`,
  deploymentsInFlight: (p) => `\`${p.name}\` はデプロイが ${p.n} 件進行中です。終わってからスケールしてください（\`/ops status ${p.env}\`）`,
  desiredChangedBySomeone: (p) =>
    `\`${p.name}\` を ${p.count} にスケール中に、他の誰かが必要タスク数を ${p.desired} に変更しました。再度スケールする前にサービスのイベントを確認してください`,
  tasksFailedToStart: (p) => `\`${p.name}\` のタスク ${p.n} 件が起動に失敗しました。理由はイベントを確認してください（\`/ops status ${p.env}\`）`,
  canaryReadBack: (p) =>
    `blue ${p.wantBlue} · green ${p.wantGreen} に設定した後、読み直すと blue ${p.blue} · green ${p.green} でした。他の誰かが変更した可能性があります`,
  canaryBackOnBlue: 'すべてのトラフィックを blue に戻しました。再実行するとカナリアをステップ 1 からやり直します',
  canaryNothingMoved: 'トラフィックは動かしていません。ゲートを通過できる状態になったら再実行してください',
  canaryRollbackStuck: (p) =>
    `ロールバックを送信しましたが green の重みが ${p.green}（blue ${p.blue}）のままです。${p.via === 'alb' ? 'リスナー' : 'レコード'}を手で確認してください`,
  codeDeployEnded: (p) => `デプロイ ${p.id} が ${p.status}: ${p.message || 'メッセージなし'}`,
  codeDeployIs: (p) => `デプロイ ${p.id} の状態は ${p.status} です`,
  ecsRollbackFailed: (p) =>
    `ECS がデプロイ ${p.id} をロールバックできませんでした: ${p.reason || '理由なし'}。ECS コンソールでサービスのデプロイを確認してください`,
  productionRuleSplit: (p) =>
    `本番ルールが ${p.path} のターゲットグループの${p.both ? '両方' : 'どちらにも'}トラフィックを${p.both ? '送っています' : '送っていません'}。デプロイが途中の可能性があります。デプロイする前にサービスのデプロイ状況を確認してください`,
  noDeploymentListed: (p) => `ECS は UpdateService を受け付けましたが、${p.service} の進行中のデプロイが一覧にありません`,
  ecsDeploymentEnded: (p) => `ECS のデプロイ ${p.id} が ${p.status} で終了しました: ${p.reason || '理由なし'}`,
  partlyInMaintenance: (p) =>
    `${p.name} は一部だけメンテナンス中です（ルール ${p.expected} 件中 ${p.marked} 件のみ存在。開始が途中で終わっています）。その run で再実行を押すか、/maintenance end の後にもう一度開始してください`,
  nothingChanged: (p) => `${p.why}。何も変更していません`,
  priorityReadBack: (p) => `${p.listener} のルール ${p.rule} を優先度 ${p.to} に移動した後、読み直すと優先度は ${p.now} でした`,
  taskSetReadBack: (p) =>
    `${p.o} ${p.wantBlue} · ${p.n} ${p.wantGreen} に設定した後、読み直すと ${p.o} ${p.blue} · ${p.n} ${p.green} でした。誰かがレコードを変更しましたか（${p.canary} への /canary など）？ 手で戻すには \`/canary ${p.env} ${p.canary} set ${p.pct}\``,
  taskSetRollbackStuck: (p) => `ロールバックを送信しましたが ${p.n} の重みが ${p.green}（${p.o} ${p.blue}）のままです。${p.canary} のレコードを手で確認してください`,
  taskSetDidNotComeUp: (p) =>
    `${p.n} が起動しませんでした: ${p.why}。${p.n} のタスクセット ${p.id} は削除し、トラフィックはすべて ${p.o} のままです。ECS コンソールで停止したタスクの理由を確認し、イメージを直してから再度デプロイしてください`,
  timedOut: (p) => `${p.what}を ${p.seconds}秒待ちましたが、時間切れになりました`,
  wait: {
    tasksRunning: (p) => `${p.name} のタスク ${p.n} 件の起動`,
    insync: (p) => `Route 53 の変更 ${p.change} の INSYNC`,
    backOnBlue: 'トラフィックが blue に戻るの',
    productionBackOnBlue: '本番トラフィックが blue に戻るの',
    stoppedDrained: '停止したサービスのドレイン',
    drain: (p) => `${p.name} のドレイン`,
    steadyState: (p) => `${p.name} のタスクセット ${p.id} が STEADY_STATE になるの`,
  },
  cutoverRefused: (p) => `DNS 切り替えを中止しました。何も変更していません: ${p.why}`,
  recordsDifferAfterChange: (p) => `変更後に読み直したレコードが想定と異なります: ${p.records}`,
  recordsDifferAfterSwitchBack: (p) => `切り戻し後に読み直したレコードが想定と異なります: ${p.records}。${p.name} を手で確認してください`,
  nothingCaptured: (p) => `切り替え前のレコードが記録されていません。${p.name} を手で確認してください`,
};
