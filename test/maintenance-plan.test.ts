// Pure planning of maintenance: which rules move where, so traffic order never changes on the way.
import { describe, expect, it } from 'vitest';
import { freeTopSlots, listenerInMaintenance, type ListenerRule } from '../src/ops/maintenance.js';

const rules = (...ps: number[]) => ps.map((p, i) => ({ arn: `r${i + 1}`, priority: p }));

describe('freeTopSlots', () => {
  it('uses the free slot just above the application rules when there is one', () => {
    expect(freeTopSlots(rules(5, 10), 1)).toEqual({ moves: [], slots: [4] });
    expect(freeTopSlots(rules(5, 10), 2)).toEqual({ moves: [], slots: [3, 4] });
  });

  it('shifts the top block down bottom-up when priority 1 is taken', () => {
    expect(freeTopSlots(rules(1, 2, 5), 1)).toEqual({
      moves: [
        { ruleArn: 'r2', from: 2, to: 3 },
        { ruleArn: 'r1', from: 1, to: 2 },
      ],
      slots: [1],
    });
  });

  it('frees two slots for a bypass and a maintenance rule', () => {
    const { moves, slots } = freeTopSlots(rules(1, 2), 2);
    expect(slots).toEqual([1, 2]);
    // Every move lands on a free priority and keeps the relative order.
    const at = new Map([[1, 'r1'], [2, 'r2']]);
    for (const m of moves) {
      expect(at.has(m.to)).toBe(false);
      at.delete(m.from);
      at.set(m.to, m.ruleArn);
      const order = [...at.entries()].sort((a, b) => a[0] - b[0]).map(([, arn]) => arn);
      expect(order).toEqual(['r1', 'r2']);
    }
  });

  it('works on an empty listener', () => {
    expect(freeTopSlots([], 2)).toEqual({ moves: [], slots: [1, 2] });
  });
});

describe('listenerInMaintenance', () => {
  const base = { name: 'api', listenerArn: 'arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:listener/app/x/1/2' };
  const fwd: ListenerRule = { arn: 'app', priority: 1, conditions: [], action: { type: 'forward', targetGroups: { tg: 1 } } };
  it('is on when the prepared rule is the top rule', () => {
    const l = { ...base, ruleArn: 'prep' };
    expect(listenerInMaintenance(l, [fwd, { arn: 'prep', priority: 100, conditions: [], action: undefined }])).toBe(false);
    expect(listenerInMaintenance(l, [{ ...fwd, priority: 2 }, { arn: 'prep', priority: 1, conditions: [], action: undefined }])).toBe(true);
  });
});
