// The graph editor's pure parts: elements for the drawing, what a module needs and what
// needs it, the undo/redo of edge edits, and search.
import type { Finding, GraphView, ModuleId, PrerequisiteGroup } from './bindings';
import * as history from './history';

/** An edge edit, as the undo stack keeps it; its inverse undoes it. `group` changes how
 *  all the requirements of `after` combine (`previous` is what it was). */
export type EdgeEdit =
  | { kind: 'add' | 'remove'; before: ModuleId; after: ModuleId; group: PrerequisiteGroup }
  | { kind: 'group'; before: ModuleId; after: ModuleId; group: PrerequisiteGroup; previous: PrerequisiteGroup };

export function inverse(e: EdgeEdit): EdgeEdit {
  if (e.kind === 'group') return { ...e, group: e.previous, previous: e.group };
  return { ...e, kind: e.kind === 'add' ? 'remove' : 'add' };
}

/** The one-click fix for a finding, when it is mechanical: a redundant edge (its objects
 *  are the longer path from the edge's start to its end) is removed. */
export function mechanicalFix(f: Finding, view: GraphView): EdgeEdit | null {
  if (f.code !== 'redundant_edge' || f.objects.length < 2) return null;
  const before = f.objects[0]!;
  const after = f.objects[f.objects.length - 1]!;
  const edge = view.edges.find((e) => e.before === before && e.after === after);
  return edge ? { kind: 'remove', before, after, group: edge.group } : null;
}

/** The group choices for a module with `n` requirements. */
export function groupChoices(n: number): { label: string; group: PrerequisiteGroup }[] {
  const out: { label: string; group: PrerequisiteGroup }[] = [
    { label: 'all of them', group: { kind: 'all_of' } },
    { label: 'any one of them', group: { kind: 'any_of' } },
  ];
  for (let k = 2; k < n; k++) out.push({ label: `${k} of ${n}`, group: { kind: 'n_of', n: k } });
  return out;
}

/** Undo and redo stacks of edge edits. */
export type History = history.History<EdgeEdit>;

export function record(h: History, e: EdgeEdit): History {
  return history.record(h, e);
}

/** The edit that undoes the last one, and the stacks once it is done. */
export function undoStep(h: History): { edit: EdgeEdit; next: History } | null {
  return history.undoStep(h, inverse);
}

export function redoStep(h: History): { edit: EdgeEdit; next: History } | null {
  return history.redoStep(h);
}

/** Findings per module: a finding is about its first object. */
export function findingsByModule(findings: Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const id = f.objects[0];
    if (id) out.set(id, [...(out.get(id) ?? []), f]);
  }
  return out;
}

/** Cytoscape elements for the view: a node per module (badged with its findings' count),
 *  an edge per prerequisite. */
export function elements(view: GraphView) {
  const flagged = findingsByModule(view.findings);
  const nodes = view.modules.map((m, i) => {
    const n = flagged.get(m.id)?.length ?? 0;
    return {
      group: 'nodes' as const,
      data: { id: m.id, label: n ? `${m.title}  ⚠${n}` : m.title },
      position: { ...(view.positions[i] ?? { x: 0, y: 0 }) },
      classes: n ? 'flagged' : '',
    };
  });
  const edges = view.edges.map((e) => ({
    group: 'edges' as const,
    data: { id: edgeId(e.before, e.after), source: e.before, target: e.after, group: groupLabel(e.group) },
    classes: e.group.kind === 'all_of' ? '' : 'grouped',
  }));
  return [...nodes, ...edges];
}

export function edgeId(before: ModuleId, after: ModuleId): string {
  return `${before}→${after}`;
}

export function groupLabel(g: PrerequisiteGroup): string {
  return g.kind === 'all_of' ? '' : g.kind === 'any_of' ? 'any of' : `${g.n} of`;
}

/** Every module `id` needs (transitively) and every module that needs it. */
export function neighbourhood(view: GraphView, id: ModuleId): { needs: Set<ModuleId>; neededBy: Set<ModuleId> } {
  const walk = (from: ModuleId, next: (e: { before: ModuleId; after: ModuleId }) => [ModuleId, ModuleId]) => {
    const seen = new Set<ModuleId>();
    const stack = [from];
    while (stack.length) {
      const at = stack.pop()!;
      for (const e of view.edges) {
        const [a, b] = next(e);
        if (a === at && !seen.has(b)) {
          seen.add(b);
          stack.push(b);
        }
      }
    }
    seen.delete(from);
    return seen;
  };
  return {
    needs: walk(id, (e) => [e.after, e.before]),
    neededBy: walk(id, (e) => [e.before, e.after]),
  };
}

/** Modules whose title contains every word of the query (case-insensitive), best first. */
export function search(view: GraphView, query: string): ModuleId[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  return view.modules
    .filter((m) => words.every((w) => m.title.toLowerCase().includes(w)))
    .sort((a, b) => a.title.length - b.title.length)
    .map((m) => m.id);
}

/** Frame-time figures from a list of frame intervals (ms): median, 95th percentile,
 *  worst, and how many frames took longer than 50 ms (a stall a person sees). */
export function frameStats(times: number[]): { frames: number; p50: number; p95: number; max: number; over50: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);
  return {
    frames: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1] ?? 0,
    over50: sorted.filter((t) => t > 50).length,
  };
}
