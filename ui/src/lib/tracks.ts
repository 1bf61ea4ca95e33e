// The Tracks panel's logic, kept out of the component so it is tested: edits with their
// inverses for undo, what a draft still lacks before it can be saved, and the words the
// panel shows for an edit.
import type { Level, TrackDraft, TrackTarget } from './bindings';

/** A track edit as the undo stack keeps it; its inverse undoes it. */
export type TrackEdit =
  | { kind: 'add'; draft: TrackDraft }
  | { kind: 'edit'; before: TrackDraft; after: TrackDraft }
  | { kind: 'remove'; draft: TrackDraft };

export function inverse(e: TrackEdit): TrackEdit {
  switch (e.kind) {
    case 'add':
      return { kind: 'remove', draft: e.draft };
    case 'remove':
      return { kind: 'add', draft: e.draft };
    case 'edit':
      return { kind: 'edit', before: e.after, after: e.before };
  }
}

export function describe(e: TrackEdit): string {
  switch (e.kind) {
    case 'add':
      return `Added the track “${e.draft.name}”.`;
    case 'remove':
      return `Removed the track “${e.draft.name}”.`;
    case 'edit':
      return `Saved the track “${e.after.name}”.`;
  }
}

export function blank(): TrackDraft {
  return { slug: '', name: '', description: '', targets: [], role: null, department: null };
}

/** What `draft` still needs before it can be saved, in words; empty when ready. The engine
 *  checks again (unknown skills, a taken slug) and its refusal is shown as it says. */
export function missing(draft: TrackDraft): string[] {
  const out: string[] = [];
  if (!draft.name.trim()) out.push('a name');
  if (!draft.slug.trim()) out.push('a slug');
  else if (!/^[a-z0-9][a-z0-9._-]*$/.test(draft.slug.trim())) out.push('a slug of lower-case letters, digits and dashes');
  if (draft.targets.length === 0) out.push('at least one target skill');
  const seen = new Set<string>();
  for (const t of draft.targets) {
    if (seen.has(t.skill)) out.push(`“${t.skill}” only once`);
    seen.add(t.skill);
  }
  return out;
}

/** Whether two drafts say the same (so Save has nothing to do). */
export function same(a: TrackDraft, b: TrackDraft): boolean {
  const norm = (d: TrackDraft) =>
    JSON.stringify({
      ...d,
      name: d.name.trim(),
      description: d.description.trim(),
      role: d.role?.trim() || null,
      department: d.department?.trim() || null,
    });
  return norm(a) === norm(b);
}

/** "charts, stats (up to intermediate)" */
export function targetsText(targets: TrackTarget[], name: (slug: string) => string): string {
  return targets.map((t) => (t.level ? `${name(t.skill)} (up to ${t.level})` : name(t.skill))).join(', ');
}

export const LEVELS: Level[] = ['beginner', 'intermediate', 'advanced'];
