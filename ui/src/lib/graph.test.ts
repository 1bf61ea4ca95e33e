import { describe, expect, it } from 'vitest';
import type { GraphView, ModuleSummary, PrerequisiteEdge, PrerequisiteSuggestion, Skill, TrackPath } from './bindings';
import {
  elements,
  DRAW_LIMIT,
  withinDrawLimit,
  frameStats,
  groupChoices,
  inverse,
  mechanicalFix,
  modulesWithSkill,
  neighbourhood,
  skillGroups,
  trackSteps,
  visibleElements,
  record,
  redoStep,
  search,
  undoStep,
  addEdit,
  openSuggestions,
  suggestionElements,
  suggestionId,
  type EdgeEdit,
  type History,
} from './graph';

const module = (id: string, title: string): ModuleSummary => ({
  id,
  library_id: 'lib',
  source_path: `${id}.md`,
  title,
  duration_minutes: 10,
  level: null,
  word_count: 100,
  tags: [],
});
const edge = (before: string, after: string): PrerequisiteEdge => ({ before, after, group: { kind: 'all_of' }, origin: 'person' });
const view: GraphView = {
  modules: [module('a', 'Reading tables'), module('b', 'Averages'), module('c', 'Charts'), module('d', 'Reading charts')],
  edges: [edge('a', 'b'), edge('b', 'c'), edge('a', 'd')],
  findings: [],
  positions: [
    { x: 0, y: 0 },
    { x: 210, y: 0 },
    { x: 420, y: 0 },
    { x: 210, y: 56 },
  ],
  skills: [],
  tracks: [],
};

describe('neighbourhood', () => {
  it('follows prerequisites both ways, transitively, without the module itself', () => {
    const n = neighbourhood(view, 'b');
    expect([...n.needs]).toEqual(['a']);
    expect([...n.neededBy]).toEqual(['c']);
    expect([...neighbourhood(view, 'a').neededBy].sort()).toEqual(['b', 'c', 'd']);
  });
});

describe('undo and redo', () => {
  const add: EdgeEdit = { kind: 'add', before: 'c', after: 'd', group: { kind: 'all_of' } };
  it('undo sends the inverse edit and redo sends the edit again', () => {
    let h: History = record({ undo: [], redo: [] }, add);
    const u = undoStep(h)!;
    expect(u.edit).toEqual({ ...add, kind: 'remove' });
    h = u.next;
    const r = redoStep(h)!;
    expect(r.edit).toEqual(add);
    expect(r.next).toEqual({ undo: [add], redo: [] });
  });
  it('a new edit clears what could be redone, and empty stacks do nothing', () => {
    const h = record({ undo: [], redo: [add] }, { ...add, before: 'a' });
    expect(h.redo).toEqual([]);
    expect(undoStep({ undo: [], redo: [] })).toBeNull();
    expect(redoStep({ undo: [], redo: [] })).toBeNull();
  });
});

describe('mechanical fixes and groups', () => {
  it('a redundant edge is fixed by removing the direct edge, start to end of the longer path', () => {
    const v: GraphView = { ...view, edges: [...view.edges, edge('a', 'c')] };
    const f = { code: 'redundant_edge', severity: 'warning', objects: ['a', 'b', 'c'], message: '', fix: '' } as never;
    expect(mechanicalFix(f, v)).toEqual({ kind: 'remove', before: 'a', after: 'c', group: { kind: 'all_of' } });
    expect(mechanicalFix(f, view)).toBeNull();
    expect(mechanicalFix({ ...(f as object), code: 'orphan_module' } as never, v)).toBeNull();
  });
  it('a dismissed suggestion undoes to taken back, and redoes to dismissed again', () => {
    const d: EdgeEdit = { kind: 'dismiss', before: 'a', after: 'c' };
    expect(inverse(d)).toEqual({ kind: 'restore', before: 'a', after: 'c' });
    expect(inverse(inverse(d))).toEqual(d);
    const h = record({ undo: [], redo: [] }, d);
    expect(undoStep(h)!.edit).toEqual({ kind: 'restore', before: 'a', after: 'c' });
  });
  it('a group change undoes to the group it replaced', () => {
    const e: EdgeEdit = { kind: 'group', before: 'a', after: 'd', group: { kind: 'any_of' }, previous: { kind: 'all_of' } };
    expect(inverse(e)).toEqual({ ...e, group: { kind: 'all_of' }, previous: { kind: 'any_of' } });
  });
  it('offers n-of only between any and all', () => {
    expect(groupChoices(2).map((c) => c.label)).toEqual(['all of them', 'any one of them']);
    expect(groupChoices(4).map((c) => c.label)).toEqual(['all of them', 'any one of them', '2 of 4', '3 of 4']);
  });
});

describe('search', () => {
  it('matches every word, shortest title first', () => {
    expect(search(view, 'reading')).toEqual(['a', 'd']);
    expect(search(view, 'READING charts')).toEqual(['d']);
    expect(search(view, '  ')).toEqual([]);
  });
});

describe('elements', () => {
  it('badges modules with findings and labels grouped edges', () => {
    const v: GraphView = {
      ...view,
      edges: [...view.edges, { before: 'c', after: 'd', group: { kind: 'n_of', n: 2 }, origin: 'person' }],
      findings: [{ code: 'redundant_edge', severity: 'warning', objects: ['d', 'a'], message: 'm', fix: null } as never],
    };
    const els = elements(v);
    const d = els.find((e) => e.data.id === 'd')!;
    expect(d.classes).toBe('flagged');
    expect((d.data as { label: string }).label).toContain('⚠1');
    const grouped = els.find((e) => e.data.id === 'c→d')!;
    expect(grouped.data).toMatchObject({ source: 'c', target: 'd', group: '2 of' });
  });
  it('places each module where the engine laid it out', () => {
    const d = elements(view).find((e) => e.data.id === 'd') as { position?: { x: number; y: number } };
    expect(d.position).toEqual({ x: 210, y: 56 });
  });
});

describe('frameStats', () => {
  it('gives the median, the 95th percentile, the worst frame and the stalls', () => {
    const times = [...Array.from({ length: 95 }, () => 16), 20, 30, 40, 60, 120];
    expect(frameStats(times)).toEqual({ frames: 100, p50: 16, p95: 20, max: 120, over50: 2 });
  });
  it('is all zeros with no frames, rather than NaN', () => {
    expect(frameStats([])).toEqual({ frames: 0, p50: 0, p95: 0, max: 0, over50: 0 });
  });
});

describe('filters, groups and tracks', () => {
  const skill = (slug: string, parent: string | null): Skill => ({
    id: `id-${slug}`,
    slug,
    name: slug[0]!.toUpperCase() + slug.slice(1),
    parent_id: parent ? `id-${parent}` : null,
    description: '',
    examples: [],
    retired: false,
  });
  const tagged = (m: ModuleSummary, ...tags: string[]): ModuleSummary => ({ ...m, tags });
  // all ─┬ data ── charts
  //      └ stats
  const v: GraphView = {
    ...view,
    modules: [tagged(view.modules[0]!, 'data'), tagged(view.modules[1]!, 'stats'), tagged(view.modules[2]!, 'charts'), view.modules[3]!],
    skills: [skill('all', null), skill('data', 'all'), skill('charts', 'data'), skill('stats', 'all')],
  };

  it('groups modules under the skill below a single root, following the first known tag', () => {
    const { groupOf, groupNames } = skillGroups(v);
    expect(Object.fromEntries(groupOf)).toEqual({ a: 'data', b: 'stats', c: 'data' });
    expect(groupNames.get('data')).toBe('Data');
  });

  it('filters by a skill and everything under it', () => {
    expect([...modulesWithSkill(v, 'data')].sort()).toEqual(['a', 'c']);
    expect([...modulesWithSkill(v, 'nope')]).toEqual([]);
  });

  it('hides filtered modules with their edges', () => {
    const { groupOf, groupNames } = skillGroups(v);
    const els = visibleElements(v, { keep: new Set(['a', 'b']), groupOf, collapsed: new Set(), groupNames });
    expect(els.map((e) => e.data.id).sort()).toEqual(['a', 'a→b', 'b']);
  });

  it('draws a collapsed group as one node whose edges stand for those crossing its border', () => {
    const { groupOf, groupNames } = skillGroups(v);
    // a (data) → b (stats) → c (data), a → d (no group)
    const els = visibleElements(v, { keep: null, groupOf, collapsed: new Set(['data']), groupNames });
    const ids = els.map((e) => e.data.id).sort();
    expect(ids).toEqual(['b', 'b→group:data', 'd', 'group:data', 'group:data→b', 'group:data→d'].sort());
    const node = els.find((e) => e.data.id === 'group:data') as { data: { label: string }; position: { x: number; y: number } };
    expect(node.data.label).toBe('Data (2 modules)');
    // At the mean of its modules' places: a (0, 0) and c (420, 0).
    expect(node.position).toEqual({ x: 210, y: 0 });
    const one = visibleElements(v, { keep: null, groupOf, collapsed: new Set(['stats']), groupNames });
    const label = (one.find((e) => e.data.id === 'group:stats') as { data: { label: string } } | undefined)?.data.label;
    expect(label, 'a group of one module says so in the singular').toMatch(/\(1 module\)$/);
  });

  it('lists a track with the minutes spent after each step and the critical path', () => {
    const path = {
      track: { id: 't', slug: 't', name: 'T', description: '', targets: [] },
      steps: [
        { module: { ...v.modules[0]!, duration_minutes: 10 }, reason: 'teaches data' },
        { module: { ...v.modules[1]!, duration_minutes: 20 }, reason: 'required by “Charts”' },
      ],
      total_minutes: 30,
      critical_path_minutes: 20,
      critical_path: ['b'],
      untaught_targets: [],
    } as TrackPath;
    expect(trackSteps(path).map((s) => [s.id, s.cumulative, s.critical])).toEqual([
      ['a', 10, false],
      ['b', 30, true],
    ]);
  });
});

describe('withinDrawLimit', () => {
  it('draws what fits and withholds a whole catalogue, saying how many modules it holds', () => {
    const node = { group: 'nodes' };
    const edge = { group: 'edges' };
    const few = [node, node, edge];
    expect(withinDrawLimit(few)).toEqual({ draw: few, nodes: 2, tooMany: false });
    const many = Array.from({ length: DRAW_LIMIT + 1 }, () => node).concat([edge]);
    const limited = withinDrawLimit(many);
    expect(limited.tooMany, 'more nodes than the limit are withheld').toBe(true);
    expect(limited.draw, 'nothing is drawn').toEqual([]);
    expect(limited.nodes, 'the count is reported for the notice').toBe(DRAW_LIMIT + 1);
  });
});

describe('suggested edges', () => {
  const suggestion = (before: string, after: string, confidence = 0.8): PrerequisiteSuggestion => ({
    before,
    before_title: before,
    after,
    after_title: after,
    confidence,
    evidence: ['content similarity 0.70'],
    by_vectors: true,
  });

  it('keeps a suggestion until it is dismissed or drawn either way round', () => {
    const list = [suggestion('a', 'c'), suggestion('c', 'd'), suggestion('d', 'b'), suggestion('b', 'a')];
    const dismissed = new Set([suggestionId(list[1]!)]);
    // view draws a→b (the reverse of the last suggestion) and neither a→c nor d→b.
    expect(openSuggestions(list, dismissed, view).map((s) => `${s.before}${s.after}`)).toEqual(['ac', 'db']);
  });

  it('draws only suggestions between modules drawn as themselves, labelled with their confidence', () => {
    const els = suggestionElements(
      [suggestion('a', 'c', 0.734), suggestion('a', 'x'), suggestion('b', 'c', 0.31)],
      new Set(['a', 'b', 'c']),
    );
    // x is hidden (filtered out or inside a collapsed group): an edge to it would dangle;
    // b→c is less likely than not, so it is drawn fainter.
    expect(els).toEqual([
      { group: 'edges', data: { id: 'suggested:a→c', source: 'a', target: 'c', group: '73%' }, classes: 'suggested' },
      { group: 'edges', data: { id: 'suggested:b→c', source: 'b', target: 'c', group: '31%' }, classes: 'suggested doubtful' },
    ]);
    // A suggested edge never takes a drawn edge's id, so adding it later draws both apart.
    expect(els[0]!.data.id).not.toBe('a→c');
  });
});

describe('adding an edge', () => {
  it('leaves how the target combines its requirements as it is', () => {
    const anyOf: GraphView = { ...view, edges: [{ ...edge('a', 'b'), group: { kind: 'any_of' } }] };
    // b opens after any one of its requirements; a new one must not turn that into all.
    expect(addEdit(anyOf, 'c', 'b')).toEqual({ kind: 'add', before: 'c', after: 'b', group: { kind: 'any_of' } });
    // d has no requirement yet: its first is all of one.
    expect(addEdit(anyOf, 'c', 'd')).toEqual({ kind: 'add', before: 'c', after: 'd', group: { kind: 'all_of' } });
  });
});
