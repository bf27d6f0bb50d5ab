// The sandbox's clock: driven by tests (advance), or following real time (optionally scaled) for demos.

export interface Clock {
  /** Milliseconds since the epoch, simulated. */
  now(): number;
}

type Listener = (now: number) => void;

export class SimClock implements Clock {
  private offset = 0;
  private readonly listeners = new Set<Listener>();
  private readonly realStart = Date.now();

  /**
   * @param start the simulated time at creation (ms epoch)
   * @param mode 'manual': time moves only on advance(); 'real': follows the wall clock times `scale`.
   */
  constructor(
    private readonly start = Date.parse('2026-12-01T00:00:00Z'),
    private readonly mode: 'manual' | 'real' = 'manual',
    private readonly scale = 1,
  ) {}

  now(): number {
    const real = this.mode === 'real' ? (Date.now() - this.realStart) * this.scale : 0;
    return this.start + real + this.offset;
  }

  /** Moves simulated time forward and lets every process in the world catch up. */
  advance(ms: number): number {
    if (ms < 0) throw new Error('the sandbox clock only moves forward');
    this.offset += ms;
    const now = this.now();
    for (const l of this.listeners) l(now);
    return now;
  }

  onAdvance(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** '90s', '5m', '2h', '1500ms' or a number of ms. */
export function parseDuration(d: string | number): number {
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(d.trim());
  if (!m) throw new Error(`bad duration "${d}" — use e.g. 1500ms, 90s, 5m, 2h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
