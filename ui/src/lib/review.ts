// The review queue's pure parts: undo of a decision and the skill filter's choices.
import type { CalibrationRow, ModuleId, SkillId, Tag, TagState } from './bindings';

export type Key = [ModuleId, SkillId];

/** One decision as the undo stack keeps it: each tag with the state it had before. */
export type Decision = { state: TagState; before: { key: Key; state: TagState }[] };

export function decisionFor(tags: Tag[], state: TagState): Decision {
  return {
    state,
    before: tags.filter((t) => t.state !== state).map((t) => ({ key: [t.module_id, t.skill_id], state: t.state })),
  };
}

/** The calls that undo `d`: one per earlier state, with the tags that had it. */
export function undoCalls(d: Decision): { state: TagState; keys: Key[] }[] {
  const byState = new Map<TagState, Key[]>();
  for (const b of d.before) byState.set(b.state, [...(byState.get(b.state) ?? []), b.key]);
  return [...byState].map(([state, keys]) => ({ state, keys }));
}

/** Skills present in a queue, by name, for the filter. */
export function skillsIn(queue: Tag[]): { slug: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const t of queue) seen.set(t.skill_slug, t.skill_name);
  return [...seen].map(([slug, name]) => ({ slug, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Acceptance by people among the suggestions of `bands` whose band starts at or above
 * `threshold` (band labels are `0.80–0.90`): what an auto-accept threshold there would
 * have agreed with. `rate` is null when nobody decided any of them. */
export function acceptanceFrom(
  bands: CalibrationRow[],
  threshold: number,
): { accepted: number; decided: number; rate: number | null } {
  const from = (label: string) => Number.parseFloat(label);
  const rows = bands.filter((b) => from(b.label) + 1e-9 >= threshold);
  const accepted = rows.reduce((n, b) => n + b.accepted, 0);
  const decided = rows.reduce((n, b) => n + b.accepted + b.rejected, 0);
  return { accepted, decided, rate: decided ? accepted / decided : null };
}

/** Widths in percent of a row's bar: accepted, automatically accepted, rejected, open. */
export function barParts(row: CalibrationRow, largest: number): { accepted: number; auto: number; rejected: number; open: number } {
  const scale = largest > 0 ? 100 / largest : 0;
  return {
    accepted: row.accepted * scale,
    auto: row.auto_accepted * scale,
    rejected: row.rejected * scale,
    open: row.open * scale,
  };
}

/** The queue for one module (or all), keeping what a person decided, what the auto-accept
 * threshold accepted, or both. Open suggestions count as a person's to decide. */
export function narrowQueue(queue: Tag[], module: string | null, decidedBy: 'anyone' | 'person' | 'auto'): Tag[] {
  return queue
    .filter((t) => !module || t.module_id === module)
    .filter((t) => decidedBy === 'anyone' || (decidedBy === 'auto') === t.auto_accepted);
}

/** Modules with suggestions, by title, for the module filter. */
export function modulesIn(queue: Tag[], titles: Map<string, string>): { id: string; title: string }[] {
  const ids = [...new Set(queue.map((t) => t.module_id))];
  return ids.map((id) => ({ id, title: titles.get(id) ?? id })).sort((a, b) => a.title.localeCompare(b.title));
}
