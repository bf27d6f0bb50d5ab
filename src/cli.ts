// The production entry (`node dist/src/cli.js`, the Docker image's CMD): the bot, connected to Slack and AWS.
// It never starts the dev tools: without Slack variables it refuses, naming each one and where the playground is.
// The dev entry with the playground and the sandbox is playground/cli.ts (`npm start` in a checkout).
import { EnvError } from './env.js';
import { fail, hasSlackVariables, readSetup, runBotProcess } from './process.js';

/** Arguments that belong to the dev entry only: the production entry says where they went instead of ignoring them. */
const DEV_FLAGS: Record<string, string> = {
  '--local': 'the local playground',
  '--sandbox': 'the local AWS sandbox',
};

const PLAYGROUND_HINT =
  'To try ecs-chatops without Slack or AWS, run `npm start` in a checkout of the repository: it opens the local playground (Slack and AWS simulated on this machine). This entry never starts the playground.';

export function refusal(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const devFlag = argv.find((a) => a in DEV_FLAGS);
  if (devFlag) {
    return `${devFlag} (${DEV_FLAGS[devFlag]}) is a dev tool and is not part of the built bot — in a checkout of the repository, run \`npm start -- ${devFlag}\` instead.`;
  }
  if (!hasSlackVariables(env)) {
    return [
      'no Slack credentials in the environment, so there is no Slack to connect to. Set:',
      '  - SLACK_BOT_TOKEN: the bot token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page',
      '  - SLACK_SIGNING_SECRET: the app\'s "Signing Secret" (HTTP mode), or SLACK_APP_TOKEN: an app-level token (xapp-…) for Socket Mode',
      PLAYGROUND_HINT,
    ].join('\n');
  }
  return undefined;
}

async function main(): Promise<void> {
  const refused = refusal(process.argv.slice(2), process.env);
  if (refused) fail(new Error(refused));
  let setup;
  try {
    setup = readSetup(process.env);
  } catch (err) {
    if (err instanceof EnvError && err.problems.some((p) => p.startsWith('SLACK_'))) fail(new Error(`${err.message}\n${PLAYGROUND_HINT}`));
    throw err;
  }
  await runBotProcess(setup);
}

main().catch(fail);
