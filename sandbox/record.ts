// Every call the sandbox answered, in order: the evidence tests assert on ("exactly one SetRulePriorities").

export interface CallEntry {
  seq: number;
  at: number;
  service: string;
  op: string;
  input: unknown;
  mutating: boolean;
  /** The error code returned, when the call failed (injected faults included). */
  error?: string;
  /** performance.now() of the sandbox's process when the request arrived: latency benchmarks compare against it. */
  receivedAt?: number;
}

const READ_ONLY = /^(Describe|List|Get|BatchGet)/;

export class CallRecord {
  private readonly entries: CallEntry[] = [];
  private readonly listeners = new Set<(e: CallEntry) => void>();

  add(e: Omit<CallEntry, 'seq' | 'mutating'>): CallEntry {
    const entry = { ...e, seq: this.entries.length + 1, mutating: !READ_ONLY.test(e.op) };
    this.entries.push(entry);
    for (const l of this.listeners) l(entry);
    return entry;
  }

  /** Calls `listener` after each new entry (tests wait on the record instead of sleeping); returns the unsubscribe. */
  onAdd(listener: (e: CallEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A position to compare against later: `const m = record.mark(); …; record.since(m)`. */
  mark(): number {
    return this.entries.length;
  }

  since(mark = 0): CallEntry[] {
    return this.entries.slice(mark);
  }

  /** Successful mutating calls as "service:Op" since a mark. */
  mutations(mark = 0): string[] {
    return this.since(mark)
      .filter((e) => e.mutating && e.error === undefined)
      .map((e) => `${e.service}:${e.op}`);
  }
}
