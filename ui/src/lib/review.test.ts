import { describe, expect, it } from 'vitest';
import { acceptanceFrom, barParts, decisionFor, modulesIn, narrowQueue, skillsIn, undoCalls } from './review';
import type { Tag } from './bindings';

const tag = (module: string, skill: string, state: Tag['state']): Tag => ({
  module_id: module, skill_id: skill, skill_slug: skill, skill_name: skill.toUpperCase(), source: 'model', state,
  confidence: 0.9, model: null, evidence: [], rejected_before: false, auto_accepted: false, replaced_by: null,
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

describe('calibration', () => {
  const row = (label: string, accepted: number, rejected: number, open = 0, auto = 0) => ({
    label,
    accepted,
    rejected,
    open,
    auto_accepted: auto,
  });
  const bands = [row('0.50–0.60', 1, 4), row('0.60–0.70', 2, 2), row('0.70–0.80', 3, 1), row('0.80–0.90', 5, 0, 2), row('0.90–1.00', 4, 0, 0, 3)];

  it('measures what people accepted from a threshold up', () => {
    expect(acceptanceFrom(bands, 0.8), 'the two top bands: 9 of 9 decided were accepted').toEqual({ accepted: 9, decided: 9, rate: 1 });
    expect(acceptanceFrom(bands, 0.5).decided, 'every band from the floor').toBe(22);
    expect(acceptanceFrom(bands, 0.85).decided, 'a band counts only from its own start').toBe(4);
    expect(acceptanceFrom([row('0.90–1.00', 0, 0, 3)], 0.9).rate, 'nothing decided: no rate, not 0%').toBeNull();
  });

  it('scales bars to the largest row', () => {
    const parts = barParts(row('x', 1, 1, 2), 8);
    expect(parts.accepted + parts.rejected + parts.open, 'four of eight is half the width').toBe(50);
  });
});

describe('queue filters', () => {
  const auto = { ...tag('m2', 'b', 'accepted'), auto_accepted: true };
  const queue = [tag('m1', 'a', 'accepted'), auto, tag('m2', 'c', 'suggested')];

  it('narrows to one module and to who decided', () => {
    expect(narrowQueue(queue, 'm2', 'anyone').map((t) => t.skill_id), 'one module').toEqual(['b', 'c']);
    expect(narrowQueue(queue, null, 'auto').map((t) => t.skill_id), 'what the threshold accepted').toEqual(['b']);
    expect(narrowQueue(queue, null, 'person').map((t) => t.skill_id), "people's (and open ones)").toEqual(['a', 'c']);
  });

  it('lists modules with suggestions by title', () => {
    const titles = new Map([['m1', 'Zebra'], ['m2', 'Alpha']]);
    expect(modulesIn(queue, titles), 'once each, by title').toEqual([{ id: 'm2', title: 'Alpha' }, { id: 'm1', title: 'Zebra' }]);
  });
});
