import { describe, expect, it } from 'vitest';
import type { MergeConflict, MergeReport } from './bindings';
import { mergeSummary, resolutions, unresolved } from './merge';

const conflict = (key: string): MergeConflict => ({
  key,
  kind: 'rule',
  what: `rule ${key}`,
  ours: { kind: 'remediation', explanation: 'ours' },
  theirs: { kind: 'remediation', explanation: 'theirs' },
  ours_words: 'remediation rule: ours',
  theirs_words: 'remediation rule: theirs',
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

describe('resolutions and what is left', () => {
  it('each chosen side goes by the conflict key, and the rest are listed', () => {
    const r = report({ conflicts: [conflict('rule:a'), conflict('rule:b')] });
    const choices = { 'rule:a': 'theirs' as const };
    expect(resolutions(choices), 'one side per key, none for all').toEqual({ all: null, each: { 'rule:a': 'theirs' } });
    expect(unresolved(r, choices).map((c) => c.key), 'rule:b still needs a side').toEqual(['rule:b']);
  });
});

describe('mergeSummary', () => {
  const change = { key: 'edge:a->b', kind: 'prerequisite', what: 'x', ours: false, theirs: true, ours_words: 'not there', theirs_words: 'there' };
  const applied = [change];
  const cases: [string, MergeReport, string][] = [
    ['nothing new', report({}), 'Nothing to merge: this project already has everything of theirs.'],
    ['a preview with a conflict', report({ applied, conflicts: [conflict('rule:a')] }), '1 change of theirs merges without conflict; 1 conflict to resolve.'],
    ['two changes', report({ applied: [change, { ...change, key: 'edge:b->c' }] }), '2 changes of theirs merge without conflict.'],
    ['done', report({ applied, merged: true }), 'Merged: 1 change of theirs came in.'],
  ];
  for (const [why, r, want] of cases) it(why, () => expect(mergeSummary(r), why).toBe(want));
});
