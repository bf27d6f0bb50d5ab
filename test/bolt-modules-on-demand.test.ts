// Issue 23 (tenth session): src/slack/bolt.ts puts stand-ins for Bolt's SocketModeReceiver and @slack/oauth in the
// require cache, so that an HTTP-mode bot never loads Socket Mode's client, undici nor the OAuth installer. Here, in
// a process of its own (so that no other test has loaded Bolt first): nothing of theirs is loaded by Bolt's App and
// HTTPReceiver, and each mode that needs them still gets the real thing — an App in Socket Mode builds Bolt's own
// SocketModeReceiver, an HTTPReceiver with OAuth settings builds the real InstallProvider.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

const script = `
import { createRequire } from 'node:module';
import { bolt, BOLT_ON_DEMAND } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/slack/bolt.ts')).href)};
const require = createRequire(${JSON.stringify(join(ROOT, 'package.json'))});
const loaded = (re) => Object.keys(require.cache).filter((p) => re.test(p)).length;
const out = { onDemand: BOLT_ON_DEMAND.length };
out.before = { socketMode: loaded(/node_modules\\/@slack\\/socket-mode\\//), undici: loaded(/node_modules\\/undici\\//), oauth: loaded(/node_modules\\/@slack\\/oauth\\/dist\\/(?!index)/) };
const http = new bolt.HTTPReceiver({ signingSecret: 's', endpoints: '/slack/events' });
const httpApp = new bolt.App({ token: 'xoxb-1', botId: 'B1', botUserId: 'U1', receiver: http });
out.httpMode = { socketMode: loaded(/node_modules\\/@slack\\/socket-mode\\//), oauth: loaded(/node_modules\\/@slack\\/oauth\\/dist\\/(?!index)/), app: typeof httpApp.command };
const socketApp = new bolt.App({ token: 'xoxb-1', appToken: 'xapp-1-A1-1-x', socketMode: true, botId: 'B1', botUserId: 'U1' });
const real = require('@slack/bolt/dist/receivers/SocketModeReceiver.js');
out.socket = { isReal: socketApp.receiver instanceof real.default, same: bolt.SocketModeReceiver === real.default, esModule: real.__esModule === true, socketMode: loaded(/node_modules\\/@slack\\/socket-mode\\//) > 0 };
const installing = new bolt.HTTPReceiver({ signingSecret: 's', clientId: '1.2', clientSecret: 'c', stateSecret: 'st', scopes: ['chat:write'] });
const oauth = require('@slack/oauth');
out.oauth = { isReal: installing.installer instanceof oauth.InstallProvider, esModule: oauth.__esModule === true };
console.log(JSON.stringify(out));
process.exit(0);
`;

describe('Bolt modules loaded on demand', () => {
  it('HTTP mode loads neither Socket Mode nor OAuth; Socket Mode and OAuth settings still get the real modules', () => {
    const out = JSON.parse(execFileSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }).trim().split('\n').at(-1)!);
    expect(out).toEqual({
      onDemand: 2,
      before: { socketMode: 0, undici: 0, oauth: 0 },
      httpMode: { socketMode: 0, oauth: 0, app: 'function' },
      socket: { isReal: true, same: true, esModule: true, socketMode: true },
      oauth: { isReal: true, esModule: true },
    });
  });
});
