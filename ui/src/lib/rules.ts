// Pure helpers for the rule editor: blank rules per kind, labels, and which modules a
// rule set scores (for the "why" view). No DOM, no IPC.
import type { Rule, RuleBody } from './bindings';

export type Kind = RuleBody['kind'];

export const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'placement', label: 'Placement' },
  { kind: 'unlock', label: 'Unlock' },
  { kind: 'remediation', label: 'Remediation' },
  { kind: 'reengagement', label: 'Re-engagement' },
  { kind: 'certification_readiness', label: 'Certification readiness' },
  { kind: 'assignment', label: 'Assignment' },
  { kind: 'recertification', label: 'Recertification' },
];

export function kindLabel(kind: Kind): string {
  return KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

/** A new rule of `kind` with sensible defaults and an id not yet in `taken`. */
export function blankRule(kind: Kind, taken: readonly string[]): Rule {
  let n = 1;
  while (taken.includes(`${kind}-${n}`)) n += 1;
  const base = { id: `${kind}-${n}`, explanation: '', origin: 'person' as const };
  switch (kind) {
    case 'placement':
      return { ...base, kind, assessment: '', category: null, bands: [{ min: 0, max: 59, start_at: null, skip: [] }, { min: 60, max: 100, start_at: null, skip: [] }] };
    case 'unlock':
      return { ...base, kind, module: '', requires: [], group: 'all-of', min_score: null };
    case 'remediation':
      return { ...base, kind, assessment: '', category: null, below: 70, assign: [], retake_after_days: 3 };
    case 'reengagement':
      return { ...base, kind, idle_days: 7, manager_after_days: 7 };
    case 'certification_readiness':
      return { ...base, kind, required: [], min_scores: [] };
    case 'assignment':
      return { ...base, kind, when: {}, track: '' };
    case 'recertification':
      return { ...base, kind, track: '', older_than_months: 12, refresher: [] };
  }
}

/** Modules whose scores the rules read (placement and remediation assessments), in order. */
export function scoredModules(rules: readonly Rule[]): string[] {
  const out: string[] = [];
  for (const r of rules) {
    if ((r.kind === 'placement' || r.kind === 'remediation') && r.assessment && !out.includes(r.assessment)) {
      out.push(r.assessment);
    }
  }
  return out;
}
