import { describe, expect, it } from 'vitest';
import { count, describeRemoval, describeTagging, filterModules, formatMinutes, hintFor, totalMinutes } from './format';
import type { ErrorKind, LibraryRemoved, ModuleSummary, TagReport } from './bindings';

function mod(title: string, minutes: number, tags: string[] = [], level: ModuleSummary['level'] = null): ModuleSummary {
  return { id: title, library_id: 'l', source_path: `${title}.md`, title, duration_minutes: minutes, level, word_count: 1, tags };
}

describe('formatMinutes', () => {
  const cases: [number, string, string][] = [
    [25, '25 min', 'under an hour stays in minutes'],
    [60, '1 h', 'whole hours drop the minutes'],
    [125, '2 h 05 min', 'minutes are zero-padded after hours'],
  ];
  it.each(cases)('%i → %s (%s)', (minutes, expected) => expect(formatMinutes(minutes)).toBe(expected));
});

describe('count', () => {
  const cases: [number, string, string | undefined, string, string][] = [
    [1, 'track', undefined, '1 track', 'one is singular'],
    [0, 'track', undefined, '0 tracks', 'none is plural'],
    [2, 'track', undefined, '2 tracks', 'more than one is plural'],
    [1, 'entry', 'entries', '1 entry', 'a given plural is not used for one'],
    [3, 'entry', 'entries', '3 entries', 'a given plural is used for more'],
  ];
  it.each(cases)('%i %s → %s (%s)', (n, one, many, expected) => expect(count(n, one, many)).toBe(expected));
});

describe('filterModules', () => {
  const list = [
    mod('Pricing basics', 10, ['pricing-and-packaging'], 'beginner'),
    mod('Enterprise deals', 20, ['negotiation'], 'advanced'),
  ];
  it('matches every word across title, skills and level, ignoring case', () => {
    expect(filterModules(list, 'PRICING beginner').map((m) => m.title)).toEqual(['Pricing basics']);
    expect(filterModules(list, 'negotiation').map((m) => m.title)).toEqual(['Enterprise deals']);
  });
  it('returns everything for a blank query and nothing for a miss', () => {
    expect(filterModules(list, '  ')).toHaveLength(2);
    expect(filterModules(list, 'zebra')).toHaveLength(0);
  });
  it('totals durations', () => expect(totalMinutes(list)).toBe(30));
});

describe('hintFor', () => {
  it('has advice for every error kind', () => {
    const kinds: ErrorKind[] = ['not_found', 'already_exists', 'not_a_project', 'too_new', 'bad_input', 'io', 'storage', 'unknown_id', 'no_project', 'conflict', 'internal'];
    for (const k of kinds) expect(hintFor(k), k).toMatch(/\w/);
  });
});

describe('describeRemoval', () => {
  const removed = (modules: number, tracks: number, rules: number): LibraryRemoved => ({
    library: {
      id: 'l',
      name: 'sales',
      source_path: '/content/sales',
      format: 'markdown_folder',
      imported_at: 1,
      removed_at: 2,
    },
    modules,
    tracks,
    rules,
  });
  const check = (r: LibraryRemoved, want: string, why: string) => expect(describeRemoval(r), why).toBe(want);
  it('says what went and how to bring it back', () => {
    check(
      removed(32, 0, 0),
      '32 modules retired. Import it again (Project ▸ Libraries…) to bring them back.',
      'nothing declared: only the modules',
    );
    check(
      removed(1, 1, 2),
      '1 module retired, and the 1 track and 2 rules its manifest declares. Import it again (Project ▸ Libraries…) to bring them back.',
      'counts of one read as one, and what its manifest declared is named',
    );
  });
});

describe('describeTagging', () => {
  const report = (over: Partial<TagReport>): TagReport => ({
    model: 'all-MiniLM-L6-v2@53aa51172d14',
    modules: 18,
    skills: 12,
    analysed: 18,
    unchanged: 0,
    embedded: 500,
    cached: 0,
    suggestions: 40,
    empty: 0,
    auto_accepted: 0,
    cancelled: false,
    ...over,
  });
  const check = (r: TagReport, want: string, why: string) => expect(describeTagging(r), why).toBe(want);
  it('says what was read and what is open for review', () => {
    check(
      report({}),
      'Auto-tagged with all-MiniLM-L6-v2@53aa51172d14: 18 of 18 modules read (0 unchanged); 40 suggestions open for review.',
      'a project with skills: the counts alone',
    );
    check(
      report({ skills: 0, suggestions: 0 }),
      'Auto-tagged with all-MiniLM-L6-v2@53aa51172d14: 18 of 18 modules read (0 unchanged); 0 suggestions open for review. The project has no skills yet, so there is none to suggest (levels are guessed all the same): add or import them in the Taxonomy tab, then auto-tag again.',
      'modules but no skills: “0 suggestions” alone would read as the model finding nothing',
    );
    check(
      report({ modules: 0, skills: 0, analysed: 0, suggestions: 0 }),
      'Auto-tagged with all-MiniLM-L6-v2@53aa51172d14: 0 of 0 modules read (0 unchanged); 0 suggestions open for review.',
      'no modules either: the window already says to import a library',
    );
    check(
      report({ cancelled: true, analysed: 4, empty: 1 }),
      'Auto-tagging cancelled; the modules finished before are saved. Auto-tagged with all-MiniLM-L6-v2@53aa51172d14: 4 of 18 modules read (0 unchanged, 1 empty); 40 suggestions open for review.',
      'a cancel says what was kept, and empty modules are counted',
    );
  });
});
