// `npm start` (and `npm run dev`) in a checkout: the dev entry. With no Slack variables, or with --local, it opens the
// local playground (the bot between a simulated Slack and the AWS sandbox, all on 127.0.0.1). With Slack variables it
// runs the real bot, as the production entry (src/cli.ts) does; --sandbox then points its AWS calls at the sandbox.
import { fail, hasSlackVariables, readSetup, runBotProcess } from '../src/process.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (!hasSlackVariables(process.env) || argv.includes('--local')) {
    const { startLocal } = await import('./local.js');
    await startLocal({ argv, env: process.env });
    return;
  }
  const setup = readSetup(process.env);
  if (!argv.includes('--sandbox')) {
    await runBotProcess(setup);
    return;
  }
  const { startSandboxFromConfig } = await import('../sandbox/start.js');
  const sandbox = await startSandboxFromConfig(setup.config, { realTime: true });
  setup.log.info({ url: sandbox.url }, 'AWS calls go to the local sandbox');
  await runBotProcess(setup, { awsClientOptions: sandbox.clientOptions });
}

main().catch(fail);
