// Startup, shutdown and /scale: the status message's lines per service (blocks/startup.ts, blocks/scale.ts).
import type { Shape } from './catalog.js';

export const en = {
  pending: (p: { n: number }) => ` (+${p.n} pending)`,
  failedCount: (p: { n: number }) => ` · ${p.n} failed`,
  stopped: (p: { done: number; all: number }) => `${p.done}/${p.all} stopped`,
  ready: (p: { done: number; all: number }) => `${p.done}/${p.all} ready`,
  heldBack: (p: { n: number }) => ` · ${p.n} held back`,
  runningDesired: 'running/desired tasks',
  scale: {
    phase: {
      reading: '⏳ reading the service',
      waiting: '⏸ waiting for approval',
      scaling: '⏳ tasks starting or stopping',
      done: '🟢 there',
      unchanged: '🟢 already there',
      cancelled: '⏹ cancelled',
    },
    ecsName: (p: { name: string }) => ` (ECS \`${p.name}\`)`,
    counts: (p: { running: number; desired: string }) => `*${p.running}* running / ${p.desired} desired`,
    pendingCount: (p: { n: number }) => ` · ${p.n} pending`,
    failedToStart: (p: { n: number }) => ` · ${p.n} failed to start`,
    notRead: 'counts not read yet',
    tasks: (p: { service: string; name: string; from: string; to: string }) => `\`${p.service}\`${p.name}: ${p.from}*${p.to}* tasks`,
    asEcsReports: 'running / desired tasks, as ECS reports them',
  },
};

export const ja: Shape<typeof en> = {
  pending: (p) => `（+${p.n} 起動待ち）`,
  failedCount: (p) => ` · ${p.n} 失敗`,
  stopped: (p) => `${p.done}/${p.all} 停止済み`,
  ready: (p) => `${p.done}/${p.all} 起動済み`,
  heldBack: (p) => ` · ${p.n} 保留`,
  runningDesired: '実行中/必要タスク数',
  scale: {
    phase: {
      reading: '⏳ サービスを取得中',
      waiting: '⏸ 承認待ち',
      scaling: '⏳ タスクを起動・停止中',
      done: '🟢 完了',
      unchanged: '🟢 すでにこの数です',
      cancelled: '⏹ キャンセル',
    },
    ecsName: (p) => `（ECS \`${p.name}\`）`,
    counts: (p) => `実行中 *${p.running}* / 必要数 ${p.desired}`,
    pendingCount: (p) => ` · ${p.n} 起動待ち`,
    failedToStart: (p) => ` · ${p.n} 起動失敗`,
    notRead: 'タスク数はまだ取得していません',
    tasks: (p) => `\`${p.service}\`${p.name}: ${p.from}*${p.to}* タスク`,
    asEcsReports: '実行中 / 必要タスク数（ECS の値）',
  },
};
