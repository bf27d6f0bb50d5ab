// After its ack, a handler's work waits one turn of the event loop (`afterAcks`), so requests already waiting on the
// socket are read and acked first. Its replies to the person (respond() over HTTP, the costliest part of a press's
// follow-up) then wait for a place among at most REPLIES_IN_FLIGHT (`replyInTurn`), so a burst of presses does not
// crowd out the acks of the next ones (issue 23: at 100 presses at once, acks queued behind the previous presses'
// replies). What a press *does* — recording the intent — never waits for a place: a Rollback is recorded at once even
// when Slack is slow to take replies. Places are handed on in arrival order; nothing is dropped.

/** Replies in flight at once. */
export const REPLIES_IN_FLIGHT = 16;

export function afterAcks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

let active = 0;
const waiting: (() => void)[] = [];

export async function replyInTurn<T>(reply: () => Promise<T>): Promise<T> {
  if (active < REPLIES_IN_FLIGHT) active += 1;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the place is handed over, already counted
  try {
    return await reply();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  }
}
