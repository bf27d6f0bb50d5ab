// Who holds a run's lease, named so that a process can prove a former holder is dead: host, PID namespace, PID.
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** The PID namespace (Linux: `pid:[4026531836]`); '' where it cannot be read, and then nothing is ever proved. */
function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

const SEP = '|';

/** This process's lease name: `host|pidns|pid|nonce` (the nonce tells two lives of one PID apart). */
export function processOwner(): string {
  return [hostname(), pidNamespace(), String(process.pid), randomBytes(4).toString('hex')].join(SEP);
}

/**
 * Whether `owner` is provably dead: it ran on this host in this PID namespace and its PID is gone (or is this
 * process, under another nonce: an earlier life of the same PID, as in a container restarted in place). Anything
 * else — another host, another namespace, a name of the old form, a live PID — proves nothing, and its lease must
 * run out. A frozen (SIGSTOP) process is alive: its lease is respected.
 */
export function ownerIsGone(owner: string, self: string): boolean {
  if (owner === self) return false;
  const [host, ns, pidText] = owner.split(SEP);
  const [myHost, myNs] = self.split(SEP);
  if (!ns || host !== myHost || ns !== myNs) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
