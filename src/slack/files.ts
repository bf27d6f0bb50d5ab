// Posts a run's charts in its thread with files.uploadV2 (getUploadURLExternal → upload → completeUploadExternal).
import type { WebClient } from '@slack/web-api';
import type { Log } from '../log.js';
import type { Run } from '../runs/run.js';

export interface RunFile {
  png: Buffer;
  filename: string;
  title: string;
  /** The thread reply that carries the file. */
  comment: string;
}

/** Posts a file under the run's status message; a chart that cannot be posted is logged, never a failed run. */
export type FilePoster = (run: Run, file: RunFile) => Promise<void>;

export function filePoster(client: WebClient, log: Log): FilePoster {
  return async (run, file) => {
    if (!run.channel || !run.ts) return;
    try {
      await client.filesUploadV2({ channel_id: run.channel, thread_ts: run.ts, file: file.png, filename: file.filename, title: file.title, initial_comment: file.comment });
    } catch (err) {
      log.warn({ run: run.id, err: err instanceof Error ? err.message : String(err) }, 'could not post a chart in the run thread');
    }
  };
}
