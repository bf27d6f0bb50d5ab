// Canary traffic shifting: the status message (blocks/canary.ts) and what the operation writes (src/ops/canary.ts).
import type { Shape } from './catalog.js';

export const en = {
  phase: {
    shifting: 'Shifting weights',
    syncing: 'Waiting for Route 53 INSYNC',
    baking: 'Baking',
    gating: 'Checking gates',
    waiting: 'Waiting for Promote',
    held: 'Held',
    done: 'Complete',
    'rolled-back': 'All traffic on blue',
  },
  setGreen: (p: { pct: number }) => `Set green to ${p.pct} %`,
  rolledBackAtStep: (p: { step: number; steps: number }) => `Rolled back at step ${p.step}/${p.steps}`,
  step: (p: { step: number; steps: number }) => `Step ${p.step}/${p.steps}`,
  beforeStep1: 'Before step 1',
  weights: (p: { step: string; green: string; blue: string; via: string }) => `*${p.step} · green ${p.green} % · blue ${p.blue} %* (${p.via}, read back from AWS)`,
  albWeights: 'ALB weights',
  route53Weights: 'Route 53 weights',
  steps: (p: { trail: string; auto: boolean }) => `Steps: ${p.trail}${p.auto ? ' · advances by itself' : ' · Promote between steps'}`,
  insync: (p: { at: string; effective?: string; ttl?: number }) => `Route 53 INSYNC ${p.at}${p.effective ? ` · fully effective by ${p.effective} (old TTL ${p.ttl} s)` : ''}`,
  bakeEnds: (p: { at: string }) => `Bake ends ${p.at}`,
  gates: (p: { gates: string }) => `Gates: ${p.gates}`,
  rollbackAnyMoment: 'Rollback puts all traffic on blue in one call, at any moment.',
  title: (p: { env: string; target: string; pct?: number }) => (p.pct !== undefined ? `Canary set green ${p.pct} % · ${p.target} · ${p.env}` : `Canary · ${p.target} · ${p.env}`),
};

export const ja: Shape<typeof en> = {
  phase: {
    shifting: '重み付けを変更中',
    syncing: 'Route 53 の INSYNC 待ち',
    baking: 'ベイク中',
    gating: 'ゲートを確認中',
    waiting: 'プロモート待ち',
    held: '保留中',
    done: '完了',
    'rolled-back': 'トラフィックはすべて Blue',
  },
  setGreen: (p) => `Green を ${p.pct} % に設定`,
  rolledBackAtStep: (p) => `ステップ ${p.step}/${p.steps} でロールバック`,
  step: (p) => `ステップ ${p.step}/${p.steps}`,
  beforeStep1: 'ステップ 1 の前',
  weights: (p) => `*${p.step} · Green ${p.green} % · Blue ${p.blue} %*（${p.via}、AWS から読み戻し）`,
  albWeights: 'ALB の重み付け',
  route53Weights: 'Route 53 の重み付け',
  steps: (p) => `ステップ: ${p.trail}${p.auto ? ' · 自動で進みます' : ' · ステップ間はプロモートが必要'}`,
  insync: (p) => `Route 53 INSYNC ${p.at}${p.effective ? ` · ${p.effective} までに完全に反映（旧 TTL ${p.ttl} 秒）` : ''}`,
  bakeEnds: (p) => `ベイク終了 ${p.at}`,
  gates: (p) => `ゲート: ${p.gates}`,
  rollbackAnyMoment: 'ロールバックはいつでも、1回の呼び出しで全トラフィックを Blue に戻します。',
  title: (p) => (p.pct !== undefined ? `カナリア Green を ${p.pct} % に設定 · ${p.target} · ${p.env}` : `カナリア · ${p.target} · ${p.env}`),
};
