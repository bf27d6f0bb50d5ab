// Usage and help: each command's one-line description and the frame of the help text (handlers/commands/spec.ts).
import type { Shape } from './catalog.js';

export const en = {
  describe: {
    ops: 'Help, live status, recent runs and the audit log',
    maintenance: 'Put ALB listeners into maintenance and back',
    canary: 'Shift traffic between blue and green step by step',
    startup: 'Start ECS services in dependency order',
    shutdown: 'Stop ECS services in reverse dependency order',
    deploy: 'Blue/green deploy a new image with Approve / Rollback',
    cutover: 'Switch a Route 53 alias to a new load balancer, with a way back',
    scale: 'Set how many tasks one ECS service runs, and watch them get there',
  },
  eg: '_e.g._',
  intro: '*ecs-chatops* — every command takes `help`; mutating ones take `--dry-run`.',
};

export const ja: Shape<typeof en> = {
  describe: {
    ops: 'ヘルプ、現在の状態、最近の実行、監査ログ',
    maintenance: 'ALB リスナーをメンテナンスモードにする・戻す',
    canary: 'Blue と Green の間でトラフィックを段階的に切り替える（カナリア）',
    startup: 'ECS サービスを依存関係の順に起動する',
    shutdown: 'ECS サービスを依存関係の逆順に停止する',
    deploy: '新しいイメージを Blue/Green デプロイする（承認・ロールバック付き）',
    cutover: 'Route 53 のエイリアスを新しいロードバランサーへ切り替える（切り戻し可）',
    scale: 'ECS サービスのタスク数を変更し、その数になるまで見届ける',
  },
  eg: '_例:_',
  intro: '*ecs-chatops* — どのコマンドも `help` で使い方を表示します。変更を伴うコマンドは `--dry-run` で事前確認できます。',
};
