// Work a handler does after its ack (the press's store lookup, respond()) waits here: one turn of the event loop, so
// requests already waiting on the socket are read and acked first, then a place among at most FOLLOW_UPS follow-ups
// in flight, so a burst of presses does not crowd out the acks of the next ones (issue 23: at 100 presses at once,
// each ack queued behind the previous presses' follow-ups). Nothing is dropped or reordered: places are handed on
// in arrival order.

/** Follow-ups in flight at once. A press's follow-up waits at most ~2 s (the locale lookup's budget). */
export const FOLLOW_UPS = 16;

let active = 0;
const waiting: (() => void)[] = [];

export async function afterAcks<T>(work: () => Promise<T>): Promise<T> {
  await new Promise((resolve) => setImmediate(resolve));
  if (active < FOLLOW_UPS) active += 1;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the place is handed over, already counted
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  }
}
