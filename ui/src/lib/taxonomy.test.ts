import { describe, expect, it } from 'vitest';
import type { Skill, TaxonomyView } from './bindings';
import { empty, record, redoStep, replaceTop, undoStep } from './history';
import { canDrop, describe as say, exampleLines, inverse, rows, slugify, subtree, usesBySkill, type TaxEdit } from './taxonomy';

const skill = (slug: string, name: string, parent: string | null = null): Skill => ({
  id: `id-${slug}`,
  slug,
  name,
  parent_id: parent ? `id-${parent}` : null,
  description: '',
  examples: [],
  retired: false,
});
// selling ─┬ discovery ── questioning
//          └ closing
// analytics
const skills = [
  skill('questioning', 'Questioning', 'discovery'),
  skill('closing', 'Closing', 'selling'),
  skill('selling', 'Selling'),
  skill('discovery', 'Discovery', 'selling'),
  skill('analytics', 'Analytics'),
];
const names = (r: ReturnType<typeof rows>) => r.map((x) => `${'  '.repeat(x.depth)}${x.skill.slug}`);

describe('rows', () => {
  it('lists parents before children, siblings by name, whatever the input order', () => {
    expect(names(rows(skills, new Set()))).toEqual(['analytics', 'selling', '  closing', '  discovery', '    questioning']);
  });
  it('hides what is under a collapsed skill, and says it has children', () => {
    const r = rows(skills, new Set(['selling']));
    expect(names(r)).toEqual(['analytics', 'selling']);
    expect(r[1]).toMatchObject({ children: 2, open: false });
  });
  it('keeps matches and their ancestors when searching, even under a collapsed skill', () => {
    expect(names(rows(skills, new Set(['selling']), 'QUEST'))).toEqual(['selling', '  discovery', '    questioning']);
  });
  it('never loses a skill whose parent is missing: it shows at the top level', () => {
    expect(names(rows([skill('orphan', 'Orphan', 'gone')], new Set()))).toEqual(['orphan']);
  });
});

describe('dropping', () => {
  const check = (dragged: string, target: string | null, expected: boolean, why: string) =>
    it(`${dragged} on ${target ?? 'the root'}: ${why}`, () => expect(canDrop(skills, dragged, target)).toBe(expected));
  check('questioning', 'analytics', true, 'a move to another branch');
  check('selling', 'questioning', false, 'a skill cannot go under its own descendant');
  check('selling', 'selling', false, 'nor under itself');
  check('closing', 'selling', false, 'dropping on its own parent changes nothing');
  check('closing', null, true, 'a sub-skill can become top-level');
  check('analytics', null, false, 'a top-level skill is already at the root');
  it('knows a subtree', () => expect([...subtree(skills, 'selling')].sort()).toEqual(['closing', 'discovery', 'questioning', 'selling']));
});

describe('undo and redo of taxonomy edits', () => {
  const check = (edit: TaxEdit, undo: TaxEdit) =>
    it(`${edit.kind} is undone by ${undo.kind}, and the undo of the undo is the edit`, () => {
      expect(inverse(edit)).toEqual(undo);
      expect(inverse(inverse(edit))).toEqual(edit);
    });
  check({ kind: 'add', slug: 'a', name: 'A', parent: null }, { kind: 'remove', slug: 'a', name: 'A', parent: null });
  check({ kind: 'rename', slug: 'a', name: 'New', previous: 'Old' }, { kind: 'rename', slug: 'a', name: 'Old', previous: 'New' });
  check({ kind: 'move', slug: 'a', parent: 'b', previous: null }, { kind: 'move', slug: 'a', parent: null, previous: 'b' });
  check({ kind: 'retire', slug: 'a', retired: true }, { kind: 'retire', slug: 'a', retired: false });
  check({ kind: 'merge', from: 'a', name: 'A', into: 'b', audit: 7 }, { kind: 'unmerge', from: 'a', name: 'A', into: 'b', audit: 7 });
  check({ kind: 'require', before: 'a', after: 'b' }, { kind: 'unrequire', before: 'a', after: 'b' });
  check({ kind: 'describe', slug: 'a', text: 'New text', previous: '' }, { kind: 'describe', slug: 'a', text: '', previous: 'New text' });
  check({ kind: 'examples', slug: 'a', lines: ['x'], previous: [] }, { kind: 'examples', slug: 'a', lines: [], previous: ['x'] });

  it('a merge redone replaces its record, so the next undo uses the new audit entry', () => {
    const merge: TaxEdit = { kind: 'merge', from: 'a', name: 'A', into: 'b', audit: 7 };
    let h = record(empty<TaxEdit>(), merge);
    const u = undoStep(h, inverse)!;
    expect(u.edit).toEqual({ ...merge, kind: 'unmerge' });
    const r = redoStep(u.next)!;
    h = replaceTop(r.next, { ...merge, audit: 9 });
    expect(undoStep(h, inverse)!.edit).toEqual({ kind: 'unmerge', from: 'a', name: 'A', into: 'b', audit: 9 });
  });
});

describe('exampleLines', () => {
  it('keeps one example per non-blank line, trimmed', () => {
    expect(exampleLines('  Asks open questions \n\n Summarises back\n  ')).toEqual(['Asks open questions', 'Summarises back']);
  });
});

describe('slugify', () => {
  const check = (name: string, taken: string[], expected: string) =>
    it(`${JSON.stringify(name)} → ${expected}`, () => expect(slugify(name, new Set(taken))).toBe(expected));
  check('Objection Handling', [], 'objection-handling');
  check('Négociation & closing!', [], 'negociation-closing');
  check('New skill', ['new-skill', 'new-skill-2'], 'new-skill-3');
  check('???', [], 'skill');
});

describe('uses and messages', () => {
  it('names the modules that teach and are suggested for each skill, sorted', () => {
    const view: TaxonomyView = {
      skills,
      modules: [
        { id: 'm1', library_id: 'l', source_path: '1.md', title: 'Open questions', duration_minutes: 5, level: null, word_count: 10, tags: [] },
        { id: 'm2', library_id: 'l', source_path: '2.md', title: 'Active listening', duration_minutes: 5, level: null, word_count: 10, tags: [] },
      ],
      uses: [{ skill: 'id-questioning', taught: ['m1', 'm2'], suggested: ['m3'] }],
      prerequisites: [],
      positions: [],
    };
    expect(usesBySkill(view).get('id-questioning')).toEqual({ taught: ['Active listening', 'Open questions'], suggested: ['m3'] });
  });
  it('says what an edit did with the skills’ names', () => {
    const name = (slug: string) => skills.find((s) => s.slug === slug)?.name ?? slug;
    expect(say({ kind: 'move', slug: 'closing', parent: 'analytics', previous: 'selling' }, name)).toBe('Moved “Closing” under “Analytics”.');
    expect(say({ kind: 'move', slug: 'closing', parent: null, previous: 'selling' }, name)).toBe('Moved “Closing” to the top level.');
  });
});
