// The merge dialog's pure parts: each side's state of a merged thing in words, and the
// resolutions the person chose, one per conflict.
import type { MergeConflict, MergeReport, Resolutions, Side } from './bindings';

/** A merged thing's state in words, by its kind (as `pathforge merge` says it). */
export function stateOf(kind: string, v: unknown): string {
  const o = v as Record<string, unknown> | null;
  switch (kind) {
    case 'prerequisite':
    case 'skill prerequisite':
      return v === true ? 'there' : 'not there';
    case 'group': {
      if (!o) return 'none';
      if (o.kind === 'n_of') return `${o.n}-of`;
      return String(o.kind).replace('_', '-');
    }
    case 'level':
      return typeof v === 'string' ? v : 'not set by hand';
    case 'rule':
      return o ? `${o.kind} rule: ${o.explanation ?? ''}` : 'deleted';
    case 'skill':
      return o ? `“${o.name}”${o.retired ? ' (retired)' : ''}` : 'none';
    case 'track':
      return o ? `“${o.name}”, ${(o.targets as unknown[] | undefined)?.length ?? 0} targets` : 'removed';
    case 'tag':
      return typeof v === 'string' ? v : 'none';
    case 'cohort':
      return o ? `${(o.segments as unknown[] | undefined)?.length ?? 0} segments` : "the library's";
    default:
      return JSON.stringify(v);
  }
}

/** The resolutions to send: each conflict's chosen side by its key. */
export function resolutions(choices: Record<string, Side>): Resolutions {
  return { all: null, each: { ...choices } };
}

/** The conflicts still without a side. */
export function unresolved(report: MergeReport, choices: Record<string, Side>): MergeConflict[] {
  return report.conflicts.filter((c) => !choices[c.key]);
}

/** One sentence on what a merge did or would do. */
export function mergeSummary(r: MergeReport): string {
  const changes = r.applied.length - r.conflicts.filter((c) => c.resolved === 'theirs').length;
  if (r.merged) return `Merged: ${r.applied.length} changes of theirs came in.`;
  if (r.applied.length === 0 && r.conflicts.length === 0) return 'Nothing to merge: this project already has everything of theirs.';
  const parts = [`${changes} changes of theirs merge without conflict`];
  if (r.conflicts.length) parts.push(`${r.conflicts.length} conflict${r.conflicts.length === 1 ? '' : 's'} to resolve`);
  return `${parts.join('; ')}.`;
}
