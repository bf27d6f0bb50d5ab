// CloudWatch alarm gates of a canary, a task-set deploy and a DNS cutover (src/ops/gates.ts): a line per alarm on the
// run's message, and the failure that refuses or rolls back. Alarm names, CloudWatch states and the alarm's own
// reason text stay as written.
import type { Shape } from './catalog.js';

export const en = {
  missingLine: (p: { name: string }) => `❌ alarm ${p.name} does not exist`,
  missing: (p: { name: string }) => `alarm \`${p.name}\` does not exist in CloudWatch — create it, or remove it from the alarms in ops.yml`,
  firingLine: (p: { name: string; since: string }) => `🚨 alarm ${p.name} in ALARM since ${p.since}`,
  firing: (p: { name: string; since: string; reason: string }) => `alarm \`${p.name}\` in ALARM since ${p.since}: ${p.reason || 'no reason given'}`,
  noDataLine: (p: { name: string; for: string }) => `❌ alarm ${p.name} has had no data for ${p.for}`,
  noData: (p: { name: string; for: string; max: string }) =>
    `alarm \`${p.name}\` has been INSUFFICIENT_DATA for ${p.for} (more than ${p.max}): it cannot see anything, so it cannot pass`,
  noDataToleratedLine: (p: { name: string; for: string; max: string }) => `⏳ alarm ${p.name} no data for ${p.for} (tolerated up to ${p.max})`,
  okLine: (p: { name: string }) => `✅ alarm ${p.name} OK`,
  seconds: (p: { n: number }) => `${p.n} s`,
  minutes: (p: { n: number }) => `${p.n} min`,
  alarms: 'alarms',
  metrics: 'metrics',
  // A canary's chart in the thread after each step, and a Retry's note.
  chartStep: (p: { step: number; steps: number; pct: number }) => `Step ${p.step}/${p.steps} · green ${p.pct} %`,
  chartFailed: '❌ gate failed',
  chartInconclusive: '⏳ inconclusive',
  chartPassed: '✅ passed',
  chartComment: (p: { step: string; outcome: string }) => `📈 ${p.step} · ${p.outcome}: green vs blue since the start (5XX rate, p99).`,
  retryNote: (p: { attempt: number }) => `🔁 Retry (attempt ${p.attempt}): the canary starts again from step 1, with its gates checked first.`,
  blindLine: (p: { what: string }) => `❌ ${p.what} could not be read from CloudWatch`,
  blind: (p: { what: string; why: string }) => `CloudWatch ${p.what} could not be read (${p.why}) — a gate that cannot be checked does not pass`,
};

export const ja: Shape<typeof en> = {
  missingLine: (p) => `❌ アラーム ${p.name} が存在しません`,
  missing: (p) => `アラーム \`${p.name}\` が CloudWatch に存在しません。作成するか、ops.yml の alarms から外してください`,
  firingLine: (p) => `🚨 アラーム ${p.name} が ${p.since} から ALARM`,
  firing: (p) => `アラーム \`${p.name}\` が ${p.since} から ALARM: ${p.reason || '理由なし'}`,
  noDataLine: (p) => `❌ アラーム ${p.name} は ${p.for} データがありません`,
  noData: (p) => `アラーム \`${p.name}\` が ${p.for} INSUFFICIENT_DATA のままです（上限 ${p.max}）。何も見えていないため合格にできません`,
  noDataToleratedLine: (p) => `⏳ アラーム ${p.name} は ${p.for} データなし（${p.max} までは許容）`,
  okLine: (p) => `✅ アラーム ${p.name} OK`,
  seconds: (p) => `${p.n}秒`,
  minutes: (p) => `${p.n}分`,
  alarms: 'アラーム',
  metrics: 'メトリクス',
  chartStep: (p) => `ステップ ${p.step}/${p.steps} · green ${p.pct} %`,
  chartFailed: '❌ ゲート不合格',
  chartInconclusive: '⏳ 判定できず',
  chartPassed: '✅ 合格',
  chartComment: (p) => `📈 ${p.step} · ${p.outcome}: 開始からの green と blue の比較（5XX 率、p99）。`,
  retryNote: (p) => `🔁 再実行（${p.attempt} 回目）: カナリアをステップ 1 からやり直します。最初にゲートを確認します。`,
  blindLine: (p) => `❌ CloudWatch から${p.what}を読めませんでした`,
  blind: (p) => `CloudWatch から${p.what}を読めませんでした（${p.why}）。確認できないゲートは合格にしません`,
};
