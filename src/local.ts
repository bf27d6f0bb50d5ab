// `npm start` with no Slack credentials: the bot, the AWS sandbox and a local Slack stand-in, all on loopback.
export async function startLocal(_opts: { argv: string[]; env: NodeJS.ProcessEnv }): Promise<void> {
  throw new Error('no Slack credentials: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) — the local playground is not built yet');
}
