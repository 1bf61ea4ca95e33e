import { describe, expect, it } from 'vitest';
import type { GraphView, ModuleSummary, PrerequisiteEdge } from './bindings';
import {
  elements,
  frameStats,
  groupChoices,
  inverse,
  mechanicalFix,
  neighbourhood,
  record,
  redoStep,
  search,
  undoStep,
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
