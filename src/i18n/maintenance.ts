// Maintenance mode on ALB listeners: the status message (blocks/maintenance.ts) and what the operation writes on it.
import type { Shape } from './catalog.js';

export const en = {
  title: (p: { env: string; on: boolean }) => (p.on ? `Maintenance on · ${p.env}` : `Maintenance off · ${p.env}`),
  listener: {
    pending: 'waiting',
    working: 'changing',
    on: 'maintenance ON',
    off: 'serving normally',
    failed: 'failed',
    unchanged: 'unchanged',
  },
  alreadyIn: 'already in maintenance',
  notIn: 'not in maintenance',
  alreadyInNothingChanged: 'Already in maintenance — nothing changed.',
  notInNothingChanged: 'Not in maintenance — nothing changed.',
  nobodyApproved: 'Nobody approved within 60 minutes — nothing changed.',
  cancelledBy: (p: { by: string }) => `Cancelled by <@${p.by}> — nothing changed.`,
  endedByRun: (p: { runId: string }) => `🟢 Maintenance was ended by run \`${p.runId}\``,
  redirect: (p: { status: number; url: string }) => `redirect ${p.status} to ${p.url}`,
  statusTitle: (p: { env: string }) => `*Maintenance · ${p.env}* (read from AWS)`,
};

export const ja: Shape<typeof en> = {
  title: (p) => (p.on ? `メンテナンス開始 · ${p.env}` : `メンテナンス終了 · ${p.env}`),
  listener: {
    pending: '待機中',
    working: '変更中',
    on: 'メンテナンス中',
    off: '通常稼働',
    failed: '失敗',
    unchanged: '変更なし',
  },
  alreadyIn: 'すでにメンテナンス中',
  notIn: 'メンテナンス中ではありません',
  alreadyInNothingChanged: 'すでにメンテナンス中です。何も変更していません。',
  notInNothingChanged: 'メンテナンス中ではありません。何も変更していません。',
  nobodyApproved: '60分以内に承認されませんでした。何も変更していません。',
  cancelledBy: (p) => `<@${p.by}> がキャンセルしました。何も変更していません。`,
  endedByRun: (p) => `🟢 run \`${p.runId}\` でメンテナンスを終了しました`,
  redirect: (p) => `${p.url} へ ${p.status} リダイレクト`,
  statusTitle: (p) => `*メンテナンス · ${p.env}*（AWS から取得）`,
};
