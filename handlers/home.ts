// The App Home tab: the latest runs and what the bot can do.
import type { App } from '@slack/bolt';
import type { Deps } from '../src/deps.js';
import { formatTime } from '../src/clock.js';
import { toRun } from '../src/runs/run.js';
import { STATE_EMOJI } from '../blocks/run.js';
import { context, header, section } from '../blocks/kit.js';

export function register(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const runs = (await deps.store.listRuns({ limit: 10 })).map(toRun);
    const lines = runs.map((r) => `${STATE_EMOJI[r.state]} \`${r.id}\` *${r.kind}* ${r.env} · <@${r.requestedBy}> · ${formatTime(r.createdAt, deps.config.timezone, true)}`);
    await client.views.publish({
      user_id: event.user,
      view: {
        type: 'home',
        blocks: [
          header('ecs-chatops'),
          section(`*Latest runs*\n${lines.join('\n') || 'None yet.'}`),
          section(`*Commands*\n${deps.commands.map((c) => `\`${c.command} ${c.usageHint}\``).join('\n')}`),
          context([`Environments: ${Object.keys(deps.config.environments).join(', ')}`]),
        ],
      },
    });
  });
}
