// The Block Kit limit checks look at what the builders were given: a cut is reported, not hidden by the clipping.
import { describe, expect, it } from 'vitest';
import { actions, context, cutsWhile, fields, limitProblems, section } from '../blocks/kit.js';

describe('cutsWhile', () => {
  it('reports every cut the builders make, though their output always fits', () => {
    const { value, cuts } = cutsWhile(() => [
      section('x'.repeat(3001)),
      fields(Array.from({ length: 11 }, (_, i) => `f${i}`)),
      context(Array.from({ length: 12 }, (_, i) => `c${i}`)),
      actions('b', Array.from({ length: 26 }, (_, i) => ({ actionId: `a${i}`, label: `L${i}`, value: `${i}` }))),
    ]);
    expect(limitProblems(value)).toEqual([]);
    expect(cuts).toEqual([expect.stringMatching(/^3001 chars cut to 3000/), '11 fields cut to 10', '12 context elements cut to 10', '26 buttons cut to 25']);
  });

  it('records nothing outside cutsWhile, and nothing for text that fits', () => {
    section('x'.repeat(5000));
    expect(cutsWhile(() => section('fits')).cuts).toEqual([]);
  });
});
