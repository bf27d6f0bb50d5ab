// Starts moto_server (moto 5.2.1, on PATH) on a free 127.0.0.1 port for contract tests, and stops it after.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Waits until moto answers (its /moto-api/ endpoint), so the first SDK call does not race the start. */
export async function startMoto(timeoutMs = 20_000): Promise<Moto> {
  const port = await freePort();
  const proc: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`moto_server exited with ${proc.exitCode}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) {
      proc.kill();
      throw new Error('moto_server did not start in time');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
