import { describe, expect, it } from 'vitest';
import type { MergeConflict, MergeReport } from './bindings';
import { mergeSummary, resolutions, stateOf, unresolved } from './merge';

const conflict = (key: string): MergeConflict => ({
  key,
  kind: 'rule',
  what: `rule ${key}`,
  ours: { kind: 'remediation', explanation: 'ours' },
  theirs: { kind: 'remediation', explanation: 'theirs' },
  ours_by: [],
  theirs_by: [],
  resolved: null,
});
const report = (r: Partial<MergeReport>): MergeReport => ({
  fork: 1,
  theirs_entries: 2,
  ours_entries: 1,
  applied: [],
  conflicts: [],
  merged: false,
  ...r,
});

describe('stateOf', () => {
  const cases: [string, string, unknown, string][] = [
    ['an edge that is there', 'prerequisite', true, 'there'],
    ['an edge that is not', 'prerequisite', false, 'not there'],
    ['an n-of group names its n', 'group', { kind: 'n_of', n: 2 }, '2-of'],
    ['an any-of group', 'group', { kind: 'any_of' }, 'any-of'],
    ['no level set by hand', 'level', null, 'not set by hand'],
    ['a deleted rule', 'rule', null, 'deleted'],
    ['a rule by its kind and words', 'rule', { kind: 'placement', explanation: 'skip ahead' }, 'placement rule: skip ahead'],
    ['a retired skill', 'skill', { name: 'Closing', retired: true }, '“Closing” (retired)'],
    ['a review decision', 'tag', 'rejected', 'rejected'],
  ];
  for (const [why, kind, v, want] of cases) it(why, () => expect(stateOf(kind, v), why).toBe(want));
});

describe('resolutions and what is left', () => {
  it('each chosen side goes by the conflict key, and the rest are listed', () => {
    const r = report({ conflicts: [conflict('rule:a'), conflict('rule:b')] });
    const choices = { 'rule:a': 'theirs' as const };
    expect(resolutions(choices), 'one side per key, none for all').toEqual({ all: null, each: { 'rule:a': 'theirs' } });
    expect(unresolved(r, choices).map((c) => c.key), 'rule:b still needs a side').toEqual(['rule:b']);
  });
});

describe('mergeSummary', () => {
  const applied = [{ key: 'edge:a->b', kind: 'prerequisite', what: 'x', ours: false, theirs: true }];
  const cases: [string, MergeReport, string][] = [
    ['nothing new', report({}), 'Nothing to merge: this project already has everything of theirs.'],
    ['a preview with a conflict', report({ applied, conflicts: [conflict('rule:a')] }), '1 changes of theirs merge without conflict; 1 conflict to resolve.'],
    ['done', report({ applied, merged: true }), 'Merged: 1 changes of theirs came in.'],
  ];
  for (const [why, r, want] of cases) it(why, () => expect(mergeSummary(r), why).toBe(want));
});
