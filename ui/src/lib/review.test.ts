import { describe, expect, it } from 'vitest';
import { decisionFor, skillsIn, undoCalls } from './review';
import type { Tag } from './bindings';

const tag = (module: string, skill: string, state: Tag['state']): Tag => ({
  module_id: module, skill_id: skill, skill_slug: skill, skill_name: skill.toUpperCase(), source: 'model', state,
  confidence: 0.9, model: null, evidence: [], rejected_before: false,
});

describe('review undo', () => {
  it('records only tags whose state changes, and undoes each back to what it was', () => {
    const d = decisionFor([tag('m1', 'a', 'suggested'), tag('m2', 'a', 'rejected'), tag('m3', 'a', 'accepted')], 'accepted');
    expect(d.before.map((b) => b.key[0])).toEqual(['m1', 'm2']); // m3 was already accepted
    expect(undoCalls(d)).toEqual([
      { state: 'suggested', keys: [['m1', 'a']] },
      { state: 'rejected', keys: [['m2', 'a']] },
    ]);
    expect(undoCalls(decisionFor([], 'rejected'))).toEqual([]);
  });

  it('lists the skills of a queue once each, by name', () => {
    expect(skillsIn([tag('m1', 'b', 'suggested'), tag('m2', 'a', 'suggested'), tag('m3', 'b', 'suggested')])).toEqual([
      { slug: 'a', name: 'A' },
      { slug: 'b', name: 'B' },
    ]);
  });
});
