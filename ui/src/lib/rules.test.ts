import { describe, expect, it } from 'vitest';
import { blankRule, KINDS, scoredModules } from './rules';

describe('blankRule', () => {
  it('makes a rule of every kind with a fresh id', () => {
    for (const { kind } of KINDS) {
      const rule = blankRule(kind, [`${kind}-1`]);
      expect(rule.kind, kind).toBe(kind);
      expect(rule.id, 'the first free number is used').toBe(`${kind}-2`);
      expect(rule.origin, 'new rules are a person’s').toBe('person');
    }
  });
  it('gives placement two contiguous bands covering 0–100', () => {
    const r = blankRule('placement', []);
    if (r.kind !== 'placement') throw new Error('placement expected');
    expect(r.bands.map((b) => [b.min, b.max])).toEqual([[0, 59], [60, 100]]);
  });
});

describe('scoredModules', () => {
  it('lists each assessment the rules score, once, in order', () => {
    const a = { ...blankRule('placement', []), assessment: 'pre.md' };
    const b = { ...blankRule('remediation', []), assessment: 'quiz.md' };
    const c = { ...blankRule('remediation', ['remediation-1']), assessment: 'pre.md' };
    expect(scoredModules([a, b, c, blankRule('reengagement', [])])).toEqual(['pre.md', 'quiz.md']);
  });
});
