// The fake Slack's file upload is Slack's real three-step flow, driven by the real WebClient's files.uploadV2.
import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.js';

describe('fake Slack: files.uploadV2', () => {
  let slack: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    const botToken = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(8).toString('hex')}`;
    slack = await startFakeSlack({ botToken });
    client = new WebClient(botToken, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
  });
  afterAll(async () => slack.close());

  it('gets an upload URL, takes the bytes there, and shares the file in the thread on completion', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0TEST0001', text: 'run status' });
    const bytes = randomBytes(3000);
    await client.filesUploadV2({ channel_id: 'C0TEST0001', thread_ts: parent.ts!, file: bytes, filename: 'chart.png', title: 'Step 1', initial_comment: '📈 the chart' });
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'files.completeUploadExternal']);
    const [reply] = slack.thread('C0TEST0001', parent.ts!);
    expect(reply).toMatchObject({ text: '📈 the chart', files: [{ name: 'chart.png', title: 'Step 1', mimetype: 'image/png', size: 3000 }] });
    const upload = slack.uploads().find((u) => u.id === reply!.files![0]!.id)!;
    expect(upload.bytes).toEqual(bytes);
  });

  it('refuses to complete a file whose bytes never arrived, and an upload of another length than announced', async () => {
    const url = await client.files.getUploadURLExternal({ filename: 'x.png', length: 10 });
    await expect(client.files.completeUploadExternal({ files: [{ id: url.file_id! }], channel_id: 'C0TEST0001' })).rejects.toThrow('file_not_found');
    const res = await fetch(url.upload_url!, { method: 'POST', body: new Uint8Array(5) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('announced 10, received 5');
    await expect(client.files.completeUploadExternal({ files: [{ id: 'F0NOTREAL1' }] })).rejects.toThrow('file_not_found');
  });
});
