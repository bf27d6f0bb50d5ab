// An AWS Lambda entry point (API Gateway or a function URL in front): Slack's requests through Bolt's Lambda receiver.
// Runs are durable in the database, so a later invocation (or a long-running replica) carries them on.
import { AwsLambdaReceiver } from '@slack/bolt';
import { loadConfig } from './config/load.js';
import { readEnv } from './env.js';
import { createBot } from './main.js';

type AwsHandler = Awaited<ReturnType<AwsLambdaReceiver['start']>>;
let handlerPromise: Promise<AwsHandler> | undefined;

async function build(): Promise<AwsHandler> {
  const env = readEnv(process.env);
  const config = loadConfig(env.OPS_CONFIG);
  const lambdaReceiver = new AwsLambdaReceiver({ signingSecret: env.SLACK_SIGNING_SECRET ?? '' });
  const bot = await createBot({ env, config, lambdaReceiver });
  await bot.start();
  return lambdaReceiver.start();
}

export const handler: AwsHandler = async (event, context) => {
  handlerPromise ??= build();
  return (await handlerPromise)(event, context);
};
