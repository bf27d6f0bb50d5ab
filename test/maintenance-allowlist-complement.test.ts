// The allowlist as maintenance rules: the complement of the allowed CIDRs covers every other address exactly once,
// in rules of at most 3 source-ip values; freeing the top moves each rule once, straight to its final priority.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bypassRefusal, cidrComplement, freeTopSlots, maintenanceConditionSets } from '../src/ops/maintenance.js';

const ipv4 = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
function inBlock(ip: number, cidr: string): boolean {
  const [net = '', bits = ''] = cidr.split('/');
  if (net.includes(':')) return false;
  const size = 2 ** (32 - Number(bits));
  const base = Math.floor(net.split('.').reduce((a, p) => a * 256 + Number(p), 0) / size) * size; // host bits ignored, as ALB does
  return ip >= base && ip < base + size;
}

describe('cidrComplement', () => {
  it('one /24 allowed: 24 IPv4 blocks and all of IPv6, in 9 rules of at most 3 values', () => {
    const blocks = cidrComplement(['203.0.113.0/24']);
    expect(blocks).toHaveLength(25);
    expect(blocks).toContain('::/0');
    const sets = maintenanceConditionSets({ name: 'x', listenerArn: 'a', response: { fixed: { status: 503, contentType: 'text/plain', body: 'x' } }, bypass: { sourceIps: ['203.0.113.0/24'] } } as never);
    expect(sets).toHaveLength(9);
    expect(sets.every((s) => s.length === 1 && s[0]!.field === 'source-ip' && s[0]!.values.length <= 3)).toBe(true);
  });

  it('every IPv4 address is in exactly one of: the allowlist, a complement block', () => {
    const cidr = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 32 })).map(([n, b]) => `${ipv4(n)}/${b}`);
    fc.assert(
      fc.property(fc.array(cidr, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (allow, ip) => {
        const blocks = cidrComplement(allow);
        const allowed = allow.some((c) => inBlock(ip, c));
        const covered = blocks.filter((b) => inBlock(ip, b)).length;
        return allowed ? covered === 0 : covered === 1;
      }),
      { numRuns: 300 },
    );
  });

  it('IPv6 allowlists are complemented too, and an allowlist of everything is refused', () => {
    expect(cidrComplement(['2001:db8::/32']).at(-1)).toBe('8000::/1');
    expect(cidrComplement(['0.0.0.0/0', '::/0'])).toEqual([]);
    const l = (sourceIps: string[]) => ({ name: 'api', listenerArn: 'a', response: { fixed: { status: 503, contentType: 'text/plain', body: 'x' } }, bypass: { sourceIps } }) as never;
    expect(bypassRefusal(l(['0.0.0.0/0', '::/0']), 'p')).toContain('lets every address through');
    expect(bypassRefusal(l(['203.0.113.9/32', '198.51.100.1/32', '192.0.2.1/32']), 'p')).toContain('fewer, wider CIDR blocks');
    expect(bypassRefusal(l(['203.0.113.0/24']), 'p')).toBeUndefined();
  });
});

describe('freeTopSlots moves each rule once', () => {
  it('nine slots over rules at 1, 2 and 12: two moves, bottom-up, order kept', () => {
    const r = [
      { arn: 'a', priority: 1 },
      { arn: 'b', priority: 2 },
      { arn: 'c', priority: 12 },
    ];
    expect(freeTopSlots(r, 9)).toEqual({
      moves: [
        { ruleArn: 'b', from: 2, to: 11 },
        { ruleArn: 'a', from: 1, to: 10 },
      ],
      slots: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    });
  });
});
