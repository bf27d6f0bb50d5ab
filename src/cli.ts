// The production entry (`node dist/src/cli.js`, the Docker image's CMD): the bot, connected to Slack and AWS.
// It never starts the dev tools: without Slack variables it refuses, naming each one and where the playground is.
// The dev entry with the playground and the sandbox is playground/cli.ts (`npm start` in a checkout).
// Only what the refusal needs is imported up front; the bot's modules load once the environment says it can run.
import { EnvError } from './env.js';

const SLACK_VARIABLES = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const;

/** Arguments that belong to the dev entry only: the production entry says where they went instead of ignoring them. */
const DEV_FLAGS: Record<string, string> = {
  '--local': 'the local playground',
  '--sandbox': 'the local AWS sandbox',
};

const PLAYGROUND_HINT =
  'To try ecs-chatops without Slack or AWS, run `npm start` in a checkout of the repository: it opens the local playground (Slack and AWS simulated on this machine). This entry never starts the playground.';

function refusal(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const devFlag = argv.find((a) => a in DEV_FLAGS);
  if (devFlag) {
    return `${devFlag} (${DEV_FLAGS[devFlag]}) is a dev tool and is not part of the built bot — in a checkout of the repository, run \`npm start -- ${devFlag}\` instead.`;
  }
  if (!SLACK_VARIABLES.some((name) => Boolean(env[name]))) {
    return [
      'no Slack credentials in the environment, so there is no Slack to connect to. Set:',
      '  - SLACK_BOT_TOKEN: the bot token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page',
      '  - SLACK_SIGNING_SECRET: the app\'s "Signing Secret" (HTTP mode), or SLACK_APP_TOKEN: an app-level token (xapp-…) for Socket Mode',
      PLAYGROUND_HINT,
    ].join('\n');
  }
  return undefined;
}

function refuse(message: string): never {
  console.error(`ecs-chatops: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const refused = refusal(process.argv.slice(2), process.env);
  if (refused) refuse(refused);
  const { readSetup, runBotProcess } = await import('./process.js');
  const setup = (() => {
    try {
      return readSetup(process.env);
    } catch (err) {
      if (err instanceof EnvError && err.problems.some((p) => p.startsWith('SLACK_'))) refuse(`${err.message}\n${PLAYGROUND_HINT}`);
      throw err;
    }
  })();
  await runBotProcess(setup);
}

// One readable line, no stack trace: a config or environment error says what to fix.
main().catch((err: unknown) => refuse(err instanceof Error ? err.message : String(err)));
