// `/ops status` and the App Home's environment lines (blocks/status.ts, blocks/home.ts).
import type { Shape } from './catalog.js';

export const en = {
  pending: (p: { n: number }) => ` (${p.n} pending)`,
  deployedAgo: (p: { age: string }) => ` · deployed ${p.age} ago`,
  failed: (p: { n: string }) => `${p.n} ❌ failed`,
  short: (p: { n: string }) => `${p.n} ⏳ starting or short of desired`,
  stopped: (p: { n: string }) => `${p.n} ⚫ stopped`,
  asDesired: (p: { n: string }) => `${p.n} 🟢 running as desired`,
  services: (p: { n: string; one: boolean; parts: string }) => `${p.n} service${p.one ? '' : 's'}: ${p.parts}`,
  andMore: (p: { n: string }) => `…and ${p.n} more`,
  title: (p: { env: string }) => `📋 ${p.env} — live status`,
  servicesTitle: '*Services* (running/desired)',
  moreInFile: (p: { n: string; healthy: boolean; file: string }) =>
    `…and *${p.n} more*${p.healthy ? ', all running as desired or stopped' : ''}. The full list is in the file \`${p.file}\` I am posting in this channel.`,
  listener: (p: { name: string; on: boolean }) => `${p.on ? '🚧' : '🟢'} *${p.name}*: ${p.on ? 'maintenance ON' : 'serving normally'}`,
  canary: (p: { name: string; blue: number; green: number }) => `🐤 *${p.name}*: blue ${p.blue}% · green ${p.green}%`,
  couldNotRead: '⚠️ Could not read:',
  readAt: (p: { at: string }) => `Read from AWS at ${p.at}`,
  fileTitle: (p: { env: string; at: string }) => `${p.env} — live status, read from AWS at ${p.at}`,
  fileUploadTitle: (p: { env: string; n: number }) => `${p.env} — every service (${p.n})`,
  liveStatus: (p: { env: string }) => `${p.env} — live status`,
  couldNotPostFile: (p: { n: number }) =>
    `⚠️ I could not post the full list of ${p.n} services as a file here (is the bot in this channel?). The message above shows the worst first.`,
};

export const ja: Shape<typeof en> = {
  pending: (p) => `（${p.n} 起動待ち）`,
  deployedAgo: (p) => ` · ${p.age}前にデプロイ`,
  failed: (p) => `${p.n} ❌ 失敗`,
  short: (p) => `${p.n} ⏳ 起動中または必要数未満`,
  stopped: (p) => `${p.n} ⚫ 停止`,
  asDesired: (p) => `${p.n} 🟢 正常稼働`,
  services: (p) => `サービス ${p.n} 件: ${p.parts}`,
  andMore: (p) => `…ほか ${p.n} 件`,
  title: (p) => `📋 ${p.env} — 現在の状態`,
  servicesTitle: '*サービス* （実行中/必要数）',
  moreInFile: (p) => `…ほか *${p.n} 件* ${p.healthy ? '（すべて正常稼働または停止）' : ''}。全件はこのチャンネルに投稿するファイル \`${p.file}\` にあります。`,
  listener: (p) => `${p.on ? '🚧' : '🟢'} *${p.name}*: ${p.on ? 'メンテナンス中' : '通常稼働'}`,
  canary: (p) => `🐤 カナリア *${p.name}*: Blue ${p.blue}% · Green ${p.green}%`,
  couldNotRead: '⚠️ 取得できませんでした:',
  readAt: (p) => `${p.at} に AWS から取得`,
  fileTitle: (p) => `${p.env} — 現在の状態（${p.at} に AWS から取得）`,
  fileUploadTitle: (p) => `${p.env} — 全サービス（${p.n} 件）`,
  liveStatus: (p) => `${p.env} — 現在の状態`,
  couldNotPostFile: (p) => `⚠️ ${p.n} 件のサービス一覧をファイルとして投稿できませんでした（ボットはこのチャンネルに参加していますか？）。上のメッセージには状態の悪いものから表示しています。`,
};
