// The floor for ack latency: a bare Bolt app that verifies the signature and acks, nothing else. Prints its port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver } from '@slack/bolt';

const receiver = new ExpressReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '', endpoints: '/slack/events', processBeforeResponse: false });
const app = new App({ token: process.env.SLACK_BOT_TOKEN ?? '', receiver, clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? '' } });
// BENCH_BARE_LISTENERS=n: n more listeners that never match, as an app with n commands and buttons has (an experiment).
for (let i = 0; i < Number(process.env.BENCH_BARE_LISTENERS ?? 0); i += 1) {
  app.command(`/never-${i}`, async ({ ack }) => ack());
  app.action(`never.${i}`, async ({ ack }) => ack());
}
app.command(/.*/, async ({ ack }) => ack());
app.action(/.*/, async ({ ack }) => ack());
const server = createServer(receiver.app);
server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
