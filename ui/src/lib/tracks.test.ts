import { describe as group, expect, it } from 'vitest';
import type { TrackDraft } from './bindings';
import { empty, record, redoStep, undoStep } from './history';
import { blank, describe, inverse, missing, same, targetsText, type TrackEdit } from './tracks';

const draft = (over: Partial<TrackDraft> = {}): TrackDraft => ({
  ...blank(),
  slug: 'analyst',
  name: 'Analyst',
  targets: [{ skill: 'charts', level: null }],
  ...over,
});

group('inverse', () => {
  it('undoes an add by removing, a removal by adding back, an edit by editing back', () => {
    const a = draft();
    const b = draft({ name: 'Data analyst' });
    expect(inverse({ kind: 'add', draft: a })).toEqual({ kind: 'remove', draft: a });
    expect(inverse({ kind: 'remove', draft: a })).toEqual({ kind: 'add', draft: a });
    expect(inverse({ kind: 'edit', before: a, after: b })).toEqual({ kind: 'edit', before: b, after: a });
  });
  it('round-trips through the undo and redo stacks', () => {
    const e: TrackEdit = { kind: 'add', draft: draft() };
    const undone = undoStep(record(empty<TrackEdit>(), e), inverse);
    expect(undone?.edit.kind, 'undoing an add removes the track').toBe('remove');
    expect(redoStep(undone!.next)?.edit, 'redoing adds it again').toEqual(e);
  });
});

group('missing', () => {
  const cases: [string, Partial<TrackDraft>, string[]][] = [
    ['a complete draft is ready', {}, []],
    ['a blank name is named', { name: '  ' }, ['a name']],
    ['a slug with spaces is refused before the engine sees it', { slug: 'Two Words' }, ['a slug of lower-case letters, digits and dashes']],
    ['no target is named', { targets: [] }, ['at least one target skill']],
    [
      'a target twice is named',
      { targets: [{ skill: 'charts', level: null }, { skill: 'charts', level: 'beginner' }] },
      ['“charts” only once'],
    ],
  ];
  for (const [why, over, want] of cases) it(why, () => expect(missing(draft(over))).toEqual(want));
});

group('same and words', () => {
  it('ignores whitespace and empty audience fields', () => {
    expect(same(draft({ name: 'Analyst ' , role: '' }), draft()), 'nothing to save').toBe(true);
    expect(same(draft({ role: 'csm' }), draft()), 'a role is a change').toBe(false);
  });
  it('says what an edit did and lists targets with their levels', () => {
    expect(describe({ kind: 'remove', draft: draft() })).toBe('Removed the track “Analyst”.');
    const name = (s: string) => s.toUpperCase();
    expect(targetsText([{ skill: 'charts', level: null }, { skill: 'stats', level: 'intermediate' }], name)).toBe(
      'CHARTS, STATS (up to intermediate)',
    );
  });
});
