// Work a handler does after its ack (the press's store lookup, respond()) waits here for one turn of the event loop,
// so requests already waiting on the socket are read and acked first: under 100 presses at once the acks no longer
// queue behind the previous presses' follow-ups. Nothing is lost or reordered within one request.
export function afterAcks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
