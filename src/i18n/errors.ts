// AWS errors as people read them (src/aws/errors.ts) and how a failed run says where it stopped (src/runs/engine.ts).
// AWS's own names (ThrottlingException, the call, the role ARN) and the gateway's words for the resource stay as written.
import type { Shape } from './catalog.js';

export const en = {
  assumeRole: (p: { role: string; sts: string }) =>
    `STS refused AssumeRole on ${p.role} (${p.sts}) — check that the role's trust policy lets the bot's own identity assume it (sts:AssumeRole), and that the bot's policy allows sts:AssumeRole on it`,
  neededFor: (p: { error: string; what: string }) => `${p.error} — needed for ${p.what}`,
  awsFailed: (p: { call: string; what: string; status: string; code: string }) => `AWS failed on ${p.call} for ${p.what} (HTTP ${p.status}${p.code}) — nothing is wrong with the request; retry`,
  itsCall: 'its call',
  notFound: (p: { what: string; hint: string }) => `${p.what} not found — ${p.hint}`,
  throttled: (p: { what: string }) => `AWS kept throttling ${p.what} after retries — try again in a minute`,
  denied: (p: { what: string; name: string }) => `AWS denied access to ${p.what} (${p.name}) — check the IAM role of this environment`,
  unreachable: (p: { what: string; detail: string }) => `AWS could not be reached for ${p.what}: ${p.detail}`,
  stoppedAtStep: (p: { step: string }) => `stopped at step \`${p.step}\`: `,
  storePaused: (p: { reason: string }) =>
    `⏸ Paused where it was: the bot cannot use its database (${p.reason}). It carries on by itself as soon as the database is back — no need to press anything.`,
};

export const ja: Shape<typeof en> = {
  assumeRole: (p) =>
    `STS が ${p.role} の AssumeRole を拒否しました（${p.sts}）。ロールの信頼ポリシーがボット自身の ID による引き受け（sts:AssumeRole）を許可しているか、ボットのポリシーがそのロールへの sts:AssumeRole を許可しているかを確認してください`,
  neededFor: (p) => `${p.error}（${p.what} に必要）`,
  awsFailed: (p) => `AWS が ${p.what} の ${p.call} で失敗しました（HTTP ${p.status}${p.code}）。リクエストに問題はありません。再実行してください`,
  itsCall: '呼び出し',
  notFound: (p) => `${p.what} が見つかりません — ${p.hint}`,
  throttled: (p) => `AWS が ${p.what} をリトライ後もスロットリングしました。1分ほどしてから再度お試しください`,
  denied: (p) => `AWS が ${p.what} へのアクセスを拒否しました（${p.name}）。この環境の IAM ロールを確認してください`,
  unreachable: (p) => `${p.what} のために AWS に接続できませんでした: ${p.detail}`,
  stoppedAtStep: (p) => `ステップ \`${p.step}\` で停止: `,
  storePaused: (p) => `⏸ この位置で一時停止しています: ボットがデータベースを使えません（${p.reason}）。データベースが戻れば自動で再開します。ボタンを押す必要はありません。`,
};
