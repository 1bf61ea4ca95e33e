// The audit log view's pure parts: who did it, and which entries a filter keeps.
import type { Actor, AuditLine } from './bindings';

/** A person's name, "system", or the model's id and version. */
export function actorName(a: Actor): string {
  switch (a.kind) {
    case 'person':
      return a.role ? `${a.name} (${a.role === 'sme' ? 'SME' : a.role})` : a.name;
    case 'system':
      return 'Pathforge';
    case 'model':
      return `${a.id} ${a.version}`;
  }
}

/** Entries whose action starts with `action` (empty: any) and whose words, actor, action,
 * object or recorded change contains every word of `text`, any case; newest first. */
export function filterAudit(events: AuditLine[], action: string, text: string): AuditLine[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return events
    .filter((e) => !action || e.action === action || e.action.startsWith(`${action}.`))
    .filter((e) => {
      const hay = `${e.summary} ${actorName(e.actor)} ${e.action} ${e.object} ${JSON.stringify(e.after)}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => b.seq - a.seq);
}

/** What each kind of action (the part of an entry's action before the dot) is about, for
 * the filter; a kind this build does not know (from a newer one) shows as it is stored. */
const KIND_LABELS: Record<string, string> = {
  answers: 'Learners’ answers',
  bkt: 'Calibration',
  bundle: 'Rule bundles',
  catalog: 'Catalog columns',
  export: 'Exports',
  library: 'Library imports',
  lrs: 'Sends to an LRS',
  merge: 'Merge conflicts resolved',
  model: 'Model folder',
  module: 'Module levels',
  modules: 'Auto-tagging',
  prerequisite: 'Prerequisites',
  project: 'Restores and merges',
  review: 'Review settings and packs',
  rule: 'Rules',
  simulation: 'Cohort',
  skill: 'Skills',
  skill_prerequisite: 'Skill prerequisites',
  suggestion: 'Dismissed suggestions',
  tag: 'Tag decisions',
  tags: 'Tag decisions in bulk',
  taxonomy: 'Framework imports',
  track: 'Tracks',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** The kinds of action present (the part before the first dot), for the filter. */
export function actionKinds(events: AuditLine[]): string[] {
  return [...new Set(events.map((e) => e.action.split('.')[0] ?? e.action))].sort();
}
