// The taxonomy editor's view-model: the skill tree as rows to draw (collapsible,
// searchable), where a skill may be dropped, the undo of each edit, and new slugs.
import type { Skill, SkillId, TaxonomyView } from './bindings';

/** A taxonomy edit, as the undo stack keeps it; its inverse undoes it. A merge carries
 *  the audit entry the engine undoes it from (0 until it is done). */
export type TaxEdit =
  | { kind: 'add' | 'remove'; slug: string; name: string; parent: string | null }
  | { kind: 'rename'; slug: string; name: string; previous: string }
  | { kind: 'describe'; slug: string; text: string; previous: string }
  | { kind: 'examples'; slug: string; lines: string[]; previous: string[] }
  | { kind: 'move'; slug: string; parent: string | null; previous: string | null }
  | { kind: 'retire'; slug: string; retired: boolean }
  | { kind: 'merge' | 'unmerge'; from: string; name: string; into: string; audit: number }
  | { kind: 'require' | 'unrequire'; before: string; after: string };

export function inverse(e: TaxEdit): TaxEdit {
  switch (e.kind) {
    case 'add':
      return { ...e, kind: 'remove' };
    case 'remove':
      return { ...e, kind: 'add' };
    case 'rename':
      return { ...e, name: e.previous, previous: e.name };
    case 'describe':
      return { ...e, text: e.previous, previous: e.text };
    case 'examples':
      return { ...e, lines: e.previous, previous: e.lines };
    case 'move':
      return { ...e, parent: e.previous, previous: e.parent };
    case 'retire':
      return { ...e, retired: !e.retired };
    case 'merge':
      return { ...e, kind: 'unmerge' };
    case 'unmerge':
      return { ...e, kind: 'merge' };
    case 'require':
      return { ...e, kind: 'unrequire' };
    case 'unrequire':
      return { ...e, kind: 'require' };
  }
}

/** One line of the tree. */
export type Row = { skill: Skill; depth: number; children: number; open: boolean };

/** The tree in display order (children by name under their parent). Collapsed skills hide
 *  their subtree; a query keeps matching skills and their ancestors, all open. */
export function rows(skills: Skill[], collapsed: ReadonlySet<string>, query = ''): Row[] {
  const byParent = new Map<SkillId | null, Skill[]>();
  const ids = new Set(skills.map((s) => s.id));
  for (const s of skills) {
    // A parent that is not in the list (it cannot happen, but never lose a skill) → root.
    const p = s.parent_id && ids.has(s.parent_id) ? s.parent_id : null;
    byParent.set(p, [...(byParent.get(p) ?? []), s]);
  }
  for (const list of byParent.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  const q = query.trim().toLowerCase();
  const keep = new Set<SkillId>();
  if (q) {
    const byId = new Map(skills.map((s) => [s.id, s]));
    for (const s of skills) {
      if (!s.name.toLowerCase().includes(q) && !s.slug.includes(q)) continue;
      for (let at: Skill | undefined = s; at && !keep.has(at.id); at = at.parent_id ? byId.get(at.parent_id) : undefined) {
        keep.add(at.id);
      }
    }
  }
  const out: Row[] = [];
  const walk = (parent: SkillId | null, depth: number) => {
    for (const s of byParent.get(parent) ?? []) {
      if (q && !keep.has(s.id)) continue;
      const children = byParent.get(s.id)?.length ?? 0;
      const open = q ? true : !collapsed.has(s.slug);
      out.push({ skill: s, depth, children, open });
      if (open) walk(s.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** Slugs of `slug` and everything under it: where it cannot be dropped. */
export function subtree(skills: Skill[], slug: string): Set<string> {
  const root = skills.find((s) => s.slug === slug);
  const out = new Set<string>();
  if (!root) return out;
  const stack = [root];
  while (stack.length) {
    const s = stack.pop()!;
    out.add(s.slug);
    for (const c of skills) if (c.parent_id === s.id) stack.push(c);
  }
  return out;
}

/** Whether dropping `dragged` on `target` (a slug, or null for the root) moves it. */
export function canDrop(skills: Skill[], dragged: string, target: string | null): boolean {
  const s = skills.find((k) => k.slug === dragged);
  if (!s) return false;
  if (target === null) return s.parent_id !== null;
  const t = skills.find((k) => k.slug === target);
  return !!t && t.id !== s.parent_id && !subtree(skills, dragged).has(target);
}

/** The slug of a skill's parent, or null at the root. */
export function parentSlug(skills: Skill[], s: Skill): string | null {
  return s.parent_id ? (skills.find((k) => k.id === s.parent_id)?.slug ?? null) : null;
}

/** A new slug from a name: lowercase words joined by hyphens, unique among `taken`. */
export function slugify(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'skill';
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

/** Module titles per skill id: those that teach it and those it is suggested for. */
export function usesBySkill(view: TaxonomyView): Map<SkillId, { taught: string[]; suggested: string[] }> {
  const title = new Map(view.modules.map((m) => [m.id, m.title]));
  const names = (ids: string[]) => ids.map((id) => title.get(id) ?? id).sort((a, b) => a.localeCompare(b));
  return new Map(view.uses.map((u) => [u.skill, { taught: names(u.taught), suggested: names(u.suggested) }]));
}

/** The examples typed in a text box, one per line, blank lines dropped. */
export function exampleLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A sentence for what an edit did, for the status line. */
export function describe(e: TaxEdit, name: (slug: string) => string): string {
  switch (e.kind) {
    case 'add':
      return `Added “${e.name}”.`;
    case 'remove':
      return `Removed “${e.name}”.`;
    case 'rename':
      return `Renamed “${e.previous}” to “${e.name}”.`;
    case 'describe':
      return `Described “${name(e.slug)}”.`;
    case 'examples':
      return `Updated the examples of “${name(e.slug)}”.`;
    case 'move':
      return e.parent ? `Moved “${name(e.slug)}” under “${name(e.parent)}”.` : `Moved “${name(e.slug)}” to the top level.`;
    case 'retire':
      return e.retired ? `Retired “${name(e.slug)}”.` : `Reinstated “${name(e.slug)}”.`;
    case 'merge':
      return `Merged “${e.name}” into “${name(e.into)}”.`;
    case 'unmerge':
      return `Brought back “${e.name}” from “${name(e.into)}”.`;
    case 'require':
      return `“${name(e.after)}” now requires “${name(e.before)}”.`;
    case 'unrequire':
      return `“${name(e.after)}” no longer requires “${name(e.before)}”.`;
  }
}
