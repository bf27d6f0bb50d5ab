// DNS cutover: the status message (blocks/cutover.ts).
import type { Shape } from './catalog.js';

export const en = {
  checked: (p: { ok: number; all: number }) => `*Checked (${p.ok}/${p.all} passed)*`,
  beforeSwitchBack: 'Before the switch back',
  now: 'Now',
  before: 'Before',
  restored: 'Restored',
  restoring: 'Restoring',
  after: 'After',
  insync: (p: { at: string; effective?: string }) => `Route 53 INSYNC ${p.at}${p.effective ? ` · fully effective by ${p.effective}` : ''}`,
  switchedBackBy: (p: { runId: string }) => `↩️ Switched back by run \`${p.runId}\`.`,
  backUntil: (p: { until: string }) => `Switch back restores the records above exactly, until ${p.until}.`,
  switchBack: 'Switch back',
  switchBackTitle: 'Switch back?',
  theName: 'The name',
  switchBackText: (p: { name: string }) => `${p.name} goes back to exactly the records it had before this cutover.`,
};

export const ja: Shape<typeof en> = {
  checked: (p) => `*事前チェック（${p.ok}/${p.all} 合格）*`,
  beforeSwitchBack: '切り戻し前',
  now: '現在',
  before: '変更前',
  restored: '復元済み',
  restoring: '復元中',
  after: '変更後',
  insync: (p) => `Route 53 INSYNC ${p.at}${p.effective ? ` · ${p.effective} までに完全に反映` : ''}`,
  switchedBackBy: (p) => `↩️ run \`${p.runId}\` で切り戻しました。`,
  backUntil: (p) => `${p.until} まで、切り戻しで上のレコードを元どおりに戻せます。`,
  switchBack: '切り戻し',
  switchBackTitle: '切り戻しますか？',
  theName: 'このレコード',
  switchBackText: (p) => `${p.name} をこのカットオーバー前のレコードに戻します。`,
};
