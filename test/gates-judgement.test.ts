// The gates' judgement as pure functions: an alarm passes only when it exists and is OK; green fails on a worse 5XX
// rate or p99 than blue's beyond the thresholds; too little traffic waits and never passes.
import { describe, expect, it } from 'vitest';
import { AnalysisSchema } from '../src/config/cloudwatch.js';
import { judgeAlarms, judgeCanary, type SideSeries } from '../src/ops/gates.js';

const A = AnalysisSchema.parse({});
const S = { insufficientDataSeconds: 300, analysis: A };
const NOW = Date.parse('2026-12-01T00:30:00Z');
const side = (requests: number[], errors: number[], p99Ms: (number | undefined)[] = requests.map(() => 120)): SideSeries => ({ timestamps: requests.map((_, i) => NOW - (requests.length - i) * 60_000), requests, errors, p99Ms });

describe('alarm judgement', () => {
  it('OK passes; ALARM fails with its reason; missing fails; INSUFFICIENT_DATA passes only within the allowance', () => {
    const found = [
      { name: 'ok', state: 'OK' as const, reason: '', since: NOW - 3_600_000 },
      { name: 'quiet', state: 'INSUFFICIENT_DATA' as const, reason: '', since: NOW - 120_000 },
    ];
    expect(judgeAlarms(['ok', 'quiet'], { found, missing: [] }, NOW, S, 'UTC')).toEqual({ lines: ['✅ alarm ok OK', '⏳ alarm quiet no data for 2 min (tolerated up to 5 min)'] });
    expect(judgeAlarms(['quiet'], { found, missing: [] }, NOW + 200_000, S, 'UTC').failure).toContain('has been INSUFFICIENT_DATA for 5 min (more than 5 min)');
    expect(judgeAlarms(['gone'], { found, missing: ['gone'] }, NOW, S, 'UTC').failure).toContain('alarm `gone` does not exist');
    const firing = [{ name: 'hot', state: 'ALARM' as const, reason: 'Threshold Crossed', since: NOW - 60_000 }];
    expect(judgeAlarms(['hot'], { found: firing, missing: [] }, NOW, S, 'UTC').failure).toBe('alarm `hot` in ALARM since 00:29 UTC: Threshold Crossed');
  });
});

describe('green against blue', () => {
  it('passes a green as good as blue, with enough requests on both sides', () => {
    const v = judgeCanary({ blue: side([900, 900], [2, 2]), green: side([100, 100], [0, 1]) }, A);
    expect(v.outcome).toBe('pass');
    expect(v.green).toMatchObject({ requests: 200, errors: 1, errorRate: 0.5, p99Ms: 120 });
  });

  it('fails a 5XX rate more than 1 point above blue, and a p99 more than 25 % and 50 ms above', () => {
    expect(judgeCanary({ blue: side([900], [2]), green: side([200], [6]) }, A).why).toBe("green's 5XX rate 3.00 % is 2.8 points above blue's 0.22 % (allowed 1) over 200 requests");
    const slow = judgeCanary({ blue: side([900], [0], [200]), green: side([200], [0], [300]) }, A);
    expect(slow.outcome).toBe('fail');
    expect(slow.why).toBe("green's p99 300 ms is 50 % above blue's 200 ms (allowed 25 %)");
    // 40 % slower but only 40 ms: noise, not a failure.
    expect(judgeCanary({ blue: side([900], [0], [100]), green: side([200], [0], [140]) }, A).outcome).toBe('pass');
  });

  it('waits, never passes, with too little traffic on either side — even a perfect green', () => {
    const v = judgeCanary({ blue: side([900], [0]), green: side([40, 50], [0, 0]) }, A);
    expect(v.outcome).toBe('wait');
    expect(v.line).toContain('too little traffic to judge (green 90 of 100 requests needed)');
    expect(judgeCanary({ blue: side([], []), green: side([], []) }, A).outcome).toBe('wait');
  });
});
