// The graph editor's pure parts: elements for the drawing, what a module needs and what
// needs it, the undo/redo of edge edits, search, and the suggested edges shown.
import type { Finding, GraphView, ModuleId, PrerequisiteGroup, PrerequisiteSuggestion, Skill, TrackPath } from './bindings';
import { count } from './format';
import * as history from './history';

/** An edge edit, as the undo stack keeps it; its inverse undoes it. `group` changes how
 *  all the requirements of `after` combine (`previous` is what it was). */
export type EdgeEdit =
  | { kind: 'add' | 'remove'; before: ModuleId; after: ModuleId; group: PrerequisiteGroup }
  | { kind: 'group'; before: ModuleId; after: ModuleId; group: PrerequisiteGroup; previous: PrerequisiteGroup }
  /** A suggestion `before → after` dismissed (saved in the project), or taken back (two
   *  members, so that checking `kind` against both narrows the union). */
  | { kind: 'dismiss'; before: ModuleId; after: ModuleId }
  | { kind: 'restore'; before: ModuleId; after: ModuleId };

export function inverse(e: EdgeEdit): EdgeEdit {
  switch (e.kind) {
    case 'group':
      return { ...e, group: e.previous, previous: e.group };
    case 'dismiss':
      return { ...e, kind: 'restore' };
    case 'restore':
      return { ...e, kind: 'dismiss' };
    default:
      return { ...e, kind: e.kind === 'add' ? 'remove' : 'add' };
  }
}

/** Adding `before → after`, leaving how `after`'s requirements combine as it is (all of
 *  them, for a module's first). */
export function addEdit(view: GraphView, before: ModuleId, after: ModuleId): EdgeEdit {
  const group = view.edges.find((e) => e.after === after)?.group ?? { kind: 'all_of' };
  return { kind: 'add', before, after, group };
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

/** What the graph shows: only `keep` (all modules when null), with the modules of each
 *  `collapsed` skill group drawn as one node. */
export type Visibility = {
  keep: ReadonlySet<ModuleId> | null;
  groupOf: ReadonlyMap<ModuleId, string>;
  collapsed: ReadonlySet<string>;
  groupNames: ReadonlyMap<string, string>;
};

/** The id of the node a collapsed group is drawn as. */
export function groupNodeId(group: string): string {
  return `group:${group}`;
}

/** Each module's skill group, from its first known tag: the top-level skill above it, or,
 *  when the whole taxonomy hangs from one root ("Selling at Northwind"), the skill just
 *  below that root ("Advancing deals"). */
export function skillGroups(view: GraphView): { groupOf: Map<ModuleId, string>; groupNames: Map<string, string> } {
  const bySlug = new Map(view.skills.map((s) => [s.slug, s]));
  const byId = new Map(view.skills.map((s) => [s.id, s]));
  const isRoot = (s: Skill) => !s.parent_id || !byId.has(s.parent_id);
  const oneRoot = view.skills.filter(isRoot).length === 1;
  const groupFor = (slug: string): Skill | undefined => {
    let s = bySlug.get(slug);
    const seen = new Set<string>();
    while (s && !isRoot(s) && !seen.has(s.id)) {
      seen.add(s.id);
      const parent: Skill = byId.get(s.parent_id!)!;
      if (oneRoot && isRoot(parent)) return s;
      s = parent;
    }
    return s;
  };
  const groupOf = new Map<ModuleId, string>();
  const groupNames = new Map<string, string>();
  for (const m of view.modules) {
    const g = m.tags.map(groupFor).find((x) => x !== undefined);
    if (!g) continue;
    groupOf.set(m.id, g.slug);
    groupNames.set(g.slug, g.name);
  }
  return { groupOf, groupNames };
}

/** Modules tagged with `slug` or any skill under it. */
export function modulesWithSkill(view: GraphView, slug: string): Set<ModuleId> {
  const root = view.skills.find((s) => s.slug === slug);
  if (!root) return new Set();
  const under = new Set([root.slug]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of view.skills) {
      const parent = view.skills.find((p) => p.id === s.parent_id);
      if (parent && under.has(parent.slug) && !under.has(s.slug)) {
        under.add(s.slug);
        grew = true;
      }
    }
  }
  return new Set(view.modules.filter((m) => m.tags.some((t) => under.has(t))).map((m) => m.id));
}

/** The elements to draw under a filter and collapsed groups: hidden modules and their
 *  edges left out, a collapsed group's modules replaced by one node (at their mean
 *  position) whose edges stand for every prerequisite into or out of the group. */
export function visibleElements(view: GraphView, v: Visibility) {
  const all = elements(view);
  const shown = (id: ModuleId) => !v.keep || v.keep.has(id);
  const rep = (id: ModuleId) => {
    const g = v.groupOf.get(id);
    return g !== undefined && v.collapsed.has(g) ? groupNodeId(g) : id;
  };
  const out: typeof all = [];
  const groups = new Map<string, { n: number; x: number; y: number }>();
  view.modules.forEach((m, i) => {
    if (!shown(m.id)) return;
    const r = rep(m.id);
    if (r === m.id) {
      out.push(all[i]!);
      return;
    }
    const p = view.positions[i] ?? { x: 0, y: 0 };
    const g = groups.get(r) ?? { n: 0, x: 0, y: 0 };
    groups.set(r, { n: g.n + 1, x: g.x + p.x, y: g.y + p.y });
  });
  for (const [id, g] of groups) {
    const key = id.slice('group:'.length);
    out.push({
      group: 'nodes',
      data: { id, label: `${v.groupNames.get(key) ?? key} (${count(g.n, 'module')})` },
      position: { x: g.x / g.n, y: g.y / g.n },
      classes: 'collapsed',
    });
  }
  const seen = new Set<string>();
  view.edges.forEach((e, i) => {
    if (!shown(e.before) || !shown(e.after)) return;
    const [b, a] = [rep(e.before), rep(e.after)];
    if (b === a) return;
    if (b === e.before && a === e.after) {
      out.push(all[view.modules.length + i]!);
      return;
    }
    const id = edgeId(b, a);
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ group: 'edges', data: { id, source: b, target: a, group: '' }, classes: 'aggregate' });
  });
  return out;
}

/** A track's path as the side panel lists it: each step with the minutes spent when it
 *  ends, and whether it lies on the critical path. */
export function trackSteps(path: TrackPath): { id: ModuleId; title: string; reason: string; minutes: number; cumulative: number; critical: boolean }[] {
  const critical = new Set(path.critical_path);
  let total = 0;
  return path.steps.map((s) => {
    total += s.module.duration_minutes;
    return {
      id: s.module.id,
      title: s.module.title,
      reason: s.reason,
      minutes: s.module.duration_minutes,
      cumulative: total,
      critical: critical.has(s.module.id),
    };
  });
}

/** The most module nodes the Graph tab draws at once: beyond it (a whole catalogue of tens
 *  of thousands of modules) the canvas would not stay responsive, so it asks for a track,
 *  a skill or collapsed skill groups first. */
export const DRAW_LIMIT = 5000;

/** `elements` when they are few enough to draw; otherwise none, with how many nodes they
 *  hold, so the view can say why it is empty. */
export function withinDrawLimit<T extends { group?: string }>(elements: T[]): { draw: T[]; nodes: number; tooMany: boolean } {
  const nodes = elements.filter((e) => e.group === 'nodes').length;
  const tooMany = nodes > DRAW_LIMIT;
  return { draw: tooMany ? [] : elements, nodes, tooMany };
}

/** The id of a suggested edge on the canvas (apart from the drawn edges' ids). */
export function suggestionId(s: Pick<PrerequisiteSuggestion, 'before' | 'after'>): string {
  return `suggested:${edgeId(s.before, s.after)}`;
}

/** The suggestions still worth showing: not dismissed since they were asked for (the
 *  engine leaves out those dismissed before), and with neither direction drawn since (a
 *  suggestion added, or added the other way round, is done). */
export function openSuggestions(
  suggestions: PrerequisiteSuggestion[],
  dismissed: ReadonlySet<string>,
  view: GraphView,
): PrerequisiteSuggestion[] {
  const drawn = new Set(view.edges.map((e) => edgeId(e.before, e.after)));
  return suggestions.filter(
    (s) => !dismissed.has(suggestionId(s)) && !drawn.has(edgeId(s.before, s.after)) && !drawn.has(edgeId(s.after, s.before)),
  );
}

/** Dashed edges for the suggestions whose two modules are both drawn as themselves (not
 *  hidden by a filter, nor inside a collapsed group), labelled with their confidence; one
 *  the model thinks less likely than not is `doubtful` (drawn fainter). */
export function suggestionElements(suggestions: PrerequisiteSuggestion[], drawnNodes: ReadonlySet<string>) {
  return suggestions
    .filter((s) => drawnNodes.has(s.before) && drawnNodes.has(s.after))
    .map((s) => ({
      group: 'edges' as const,
      data: { id: suggestionId(s), source: s.before, target: s.after, group: `${Math.round(s.confidence * 100)}%` },
      classes: s.confidence < 0.5 ? 'suggested doubtful' : 'suggested',
    }));
}
