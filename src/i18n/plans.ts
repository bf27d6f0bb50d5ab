// The words around a dry run's calls (`--dry-run` of /startup, /shutdown, /deploy, /scale, /cutover, /maintenance),
// in the asker's language. The calls stay as AWS names them (`ecs:UpdateService`, `route53:ChangeResourceRecordSets`)
// with their parameters; ids, ARNs, names and AWS states stay as written (docs/decisions.md, issue 21, session 6).
import type { Shape } from './catalog.js';

/** `Green`/`Blue` in Japanese prose (a task set's or a side's colour); the bare word stays in calls' arguments. */
const colour = (c: string) => (c === 'green' ? 'Green' : c === 'blue' ? 'Blue' : c);

export const en = {
  startup: {
    header: (p: { direction: 'up' | 'down' }) =>
      `UpdateService desiredCount per service, each as soon as ${p.direction === 'up' ? 'its dependencies are ready' : 'its dependents have stopped'}:`,
  },
  deploy: {
    calls: 'The calls it would make:',
    taskDefinition: (p: { from: string; to: string }) => `task definition \`${p.from}\` → \`${p.to}\``,
    register: (p: { family: string; from: number; to: number; container: string; image: string; next: string }) =>
      `RegisterTaskDefinition: family \`${p.family}\` revision ${p.from} → ${p.to}, container *${p.container}* image \`${p.image}\` → \`${p.next}\`; nothing else changed`,
    refusedNow: (p: { why: string }) => `⚠️ It would be refused now: ${p.why}`,
    codedeployGroup: (p: { application: string; group: string; targetGroups: string; wait: string; keepMinutes: number }) =>
      `• CodeDeploy: get or create application \`${p.application}\` and group \`${p.group}\` (target groups ${p.targetGroups}, ${p.wait}, blue kept ${p.keepMinutes} min)`,
    codedeployWaits: (p: { minutes: number }) => `waits for Approve up to ${p.minutes} min`,
    codedeployNoWait: 'no approval wait',
    codedeployCreate: (p: { config: string }) => `• CreateDeployment with config \`${p.config}\` and this AppSpec:`,
    ecsUpdate: (p: { type: string; pauses: string }) => `• ECS UpdateService (${p.type}, ${p.pauses}), exactly:`,
    ecsPauses: (p: { stages: string; action: string; minutes: number }) => `pauses at ${p.stages} for Approve (then ${p.action} after ${p.minutes} min)`,
    ecsNoPause: 'no pause',
    taskSetCreate: (p: { colour: string; registry: string }) => `• ecs:CreateTaskSet (${p.colour}, registered in ${p.registry}; externalId = the run id), exactly:`,
    taskSetSteady: (p: { colour: string }) =>
      `• ecs:DescribeTaskSets until ${p.colour} is STEADY_STATE (running = desired); if its tasks fail to start: ecs:DeleteTaskSet ${p.colour}, traffic never moves`,
    taskSetApproval: (p: { colour: string; minutes: number }) => `• wait for Approve by a second person (up to ${p.minutes} min; then ${p.colour} is deleted)`,
    taskSetStep: (p: { step: number; steps: number; colour: string; pct: number; call: string; bakeSeconds?: number }) =>
      `• Step ${p.step}/${p.steps} · ${p.colour} ${p.pct} %: ${p.call}, then route53:GetChange until INSYNC${p.bakeSeconds ? `, bake ${p.bakeSeconds} s` : ''}`,
    thePrimary: '(the PRIMARY task set)',
    taskSetKeep: (p: { old: string; id: string; minutes: number }) =>
      `• keep ${p.old} ${p.id} ${p.minutes} min (Finish now / Rollback), then ecs:UpdateTaskSet ${p.old} scale 0 % and ecs:DeleteTaskSet ${p.old}`,
    taskSetRollback: (p: { call: string; old: string; colour: string }) =>
      `• Rollback at any moment: ${p.call} first, then ecs:UpdateServicePrimaryTaskSet ${p.old} (if ${p.colour} was primary), ecs:DeleteTaskSet ${p.colour} (force)`,
  },
  scale: {
    already: (p: { service: string; count: number; running: number }) => `• *${p.service}* already wants ${p.count} task${p.count === 1 ? '' : 's'} (${p.running} running): no call.`,
    update: (p: { cluster: string; name: string; from: number; to: number }) =>
      `• ecs:UpdateService cluster \`${p.cluster}\` service \`${p.name}\` desiredCount ${p.from} → ${p.to} (nothing else changed)`,
    waits: (p: { seconds: number; count: number; running: number; pending: number }) =>
      `• then waits up to ${p.seconds} s for ${p.count} running task${p.count === 1 ? '' : 's'} (now ${p.running} running, ${p.pending} pending)`,
    approval: (p: { env: string }) => `• fewer tasks on *${p.env}*: it waits first for a second person to approve`,
    busy: (p: { name: string; n: number }) => `⚠️ It would be refused now: \`${p.name}\` has ${p.n} deployments in flight`,
  },
  cutover: {
    lowerTtl: (p: { name: string; ttl: number; low: number }) => `route53:ChangeResourceRecordSets UPSERT CNAME ${p.name} TTL ${p.ttl} → ${p.low}, then wait INSYNC + ${p.ttl} s (the old TTL)`,
    batch: (p: { changes: string }) => `route53:ChangeResourceRecordSets (one batch) ${p.changes}`,
    thenInsync: 'then GetChange until INSYNC',
    thenRestores: (p: { records: string }) => `then GetChange until INSYNC; Switch back restores: ${p.records}`,
    alias: (p: { dnsName: string; zone: string; evaluate: boolean }) => `alias → ${p.dnsName} (zone ${p.zone}, evaluate health ${p.evaluate ? 'yes' : 'no'})`,
    values: (p: { values: string; ttl: string }) => `${p.values} (TTL ${p.ttl} s)`,
  },
  maintenance: {
    createRule: (p: { name: string; priority: number; field: string; values: string; action: string; tag: string }) =>
      `*${p.name}*: CreateRule priority ${p.priority} ${p.field} ${p.values} → ${p.action} (tagged ${p.tag})`,
  },
};

export const ja: Shape<typeof en> = {
  startup: {
    header: (p) => `サービスごとに UpdateService desiredCount。各サービスは${p.direction === 'up' ? '依存先の準備ができ次第' : '依存元が停止し次第'}:`,
  },
  deploy: {
    calls: '実行される呼び出し:',
    taskDefinition: (p) => `タスク定義 \`${p.from}\` → \`${p.to}\``,
    register: (p) => `RegisterTaskDefinition: family \`${p.family}\` revision ${p.from} → ${p.to}、コンテナ *${p.container}* のイメージ \`${p.image}\` → \`${p.next}\`（ほかは変更なし）`,
    refusedNow: (p) => `⚠️ 今は実行できません: ${p.why}`,
    codedeployGroup: (p) =>
      `• CodeDeploy: アプリケーション \`${p.application}\` とデプロイグループ \`${p.group}\` を取得または作成（ターゲットグループ ${p.targetGroups}、${p.wait}、Blue を ${p.keepMinutes} 分残す）`,
    codedeployWaits: (p) => `承認を最大 ${p.minutes} 分待つ`,
    codedeployNoWait: '承認待ちなし',
    codedeployCreate: (p) => `• CreateDeployment（設定 \`${p.config}\`、AppSpec は次のとおり）:`,
    ecsUpdate: (p) => `• ECS UpdateService（${p.type}、${p.pauses}）。リクエストは次のとおり:`,
    ecsPauses: (p) => `${p.stages} で承認のため一時停止（${p.minutes} 分後に ${p.action}）`,
    ecsNoPause: '一時停止なし',
    taskSetCreate: (p) => `• ecs:CreateTaskSet（${colour(p.colour)}、${p.registry} に登録。externalId は run の ID）。リクエストは次のとおり:`,
    taskSetSteady: (p) =>
      `• ${colour(p.colour)} が STEADY_STATE（running = desired）になるまで ecs:DescribeTaskSets。タスクが起動しなければ ecs:DeleteTaskSet ${p.colour}（トラフィックは動かしません）`,
    taskSetApproval: (p) => `• 別の担当者の承認を待つ（最大 ${p.minutes} 分。過ぎたら ${colour(p.colour)} を削除）`,
    taskSetStep: (p) =>
      `• ステップ ${p.step}/${p.steps} · ${colour(p.colour)} ${p.pct} %: ${p.call}。続いて INSYNC になるまで route53:GetChange${p.bakeSeconds ? `、ベイク ${p.bakeSeconds} 秒` : ''}`,
    thePrimary: '（PRIMARY のタスクセット）',
    taskSetKeep: (p) => `• ${colour(p.old)} ${p.id} を ${p.minutes} 分残す（今すぐ完了 / ロールバック）。その後 ecs:UpdateTaskSet ${p.old} scale 0 % と ecs:DeleteTaskSet ${p.old}`,
    taskSetRollback: (p) =>
      `• ロールバックはいつでも: まず ${p.call}。続いて ecs:UpdateServicePrimaryTaskSet ${p.old}（${colour(p.colour)} が primary だった場合）、ecs:DeleteTaskSet ${p.colour}（force）`,
  },
  scale: {
    already: (p) => `• *${p.service}* はすでにタスク ${p.count} 件を希望しています（実行中 ${p.running}）。呼び出しはありません。`,
    update: (p) => `• ecs:UpdateService cluster \`${p.cluster}\` service \`${p.name}\` desiredCount ${p.from} → ${p.to}（ほかは変更なし）`,
    waits: (p) => `• 続いて実行中のタスクが ${p.count} 件になるまで最大 ${p.seconds} 秒待つ（現在 実行中 ${p.running}、保留 ${p.pending}）`,
    approval: (p) => `• *${p.env}* のタスクを減らすため、先に別の担当者の承認を待ちます`,
    busy: (p) => `⚠️ 今は実行できません: \`${p.name}\` でデプロイが ${p.n} 件進行中です`,
  },
  cutover: {
    lowerTtl: (p) => `route53:ChangeResourceRecordSets UPSERT CNAME ${p.name} TTL ${p.ttl} → ${p.low}。続いて INSYNC から ${p.ttl} 秒（旧 TTL）待つ`,
    batch: (p) => `route53:ChangeResourceRecordSets（1 回のバッチ）${p.changes}`,
    thenInsync: '続いて INSYNC になるまで GetChange',
    thenRestores: (p) => `続いて INSYNC になるまで GetChange。切り戻しで戻すレコード: ${p.records}`,
    alias: (p) => `alias → ${p.dnsName}（ゾーン ${p.zone}、ヘルス評価 ${p.evaluate ? 'あり' : 'なし'}）`,
    values: (p) => `${p.values}（TTL ${p.ttl} 秒）`,
  },
  maintenance: {
    createRule: (p) => `*${p.name}*: CreateRule priority ${p.priority} ${p.field} ${p.values} → ${p.action}（${p.tag} タグ付き）`,
  },
};
