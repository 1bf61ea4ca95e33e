// The merge dialog's pure parts: the resolutions the person chose, one per conflict, and
// what a merge did in one sentence (each side's state in words comes from the engine).
import type { MergeConflict, MergeReport, Resolutions, Side } from './bindings';
import { count } from './format';

/** The resolutions to send: each conflict's chosen side by its key. */
export function resolutions(choices: Record<string, Side>): Resolutions {
  return { all: null, each: { ...choices } };
}

/** The conflicts still without a side. */
export function unresolved(report: MergeReport, choices: Record<string, Side>): MergeConflict[] {
  return report.conflicts.filter((c) => !choices[c.key]);
}

/** "1 change of theirs", "2 changes of theirs". */
function changesOfTheirs(n: number): string {
  return `${count(n, 'change')} of theirs`;
}

/** One sentence on what a merge did or would do. */
export function mergeSummary(r: MergeReport): string {
  const changes = r.applied.length - r.conflicts.filter((c) => c.resolved === 'theirs').length;
  if (r.merged) return `Merged: ${changesOfTheirs(r.applied.length)} came in.`;
  if (r.applied.length === 0 && r.conflicts.length === 0) return 'Nothing to merge: this project already has everything of theirs.';
  const parts = [`${changesOfTheirs(changes)} ${changes === 1 ? 'merges' : 'merge'} without conflict`];
  if (r.conflicts.length) parts.push(`${count(r.conflicts.length, 'conflict')} to resolve`);
  return `${parts.join('; ')}.`;
}
