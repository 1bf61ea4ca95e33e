// The export wizard's pure parts: what each target is, tallies of the coverage report and
// the diff against the previous export and a sync to an LRS in words.
import type { Coverage, ExportDiff, ExportProgress, RuleCoverage, Status, SyncReport, Target } from './bindings';
import { count } from './format';

/** The targets the wizard offers, in the order admins look for them. Bundles need the
 *  machine's signing key and are built with `pathforge bundle build`. */
export const TARGETS: { target: Target; label: string; what: string }[] = [
  { target: 'moodle', label: 'Moodle', what: 'Competency framework CSV, restrict-access trees, web-service call plan' },
  { target: 'canvas', label: 'Canvas', what: 'Module prerequisites and requirements, MasteryPaths, a Common Cartridge' },
  { target: 'scorm2004', label: 'SCORM 2004', what: '4th edition package with Simple Sequencing rules' },
  { target: 'scorm12', label: 'SCORM 1.2', what: 'Package with prerequisite scripts and mastery scores' },
  { target: 'cmi5', label: 'cmi5', what: 'Course structure: blocks, AUs, moveOn and mastery scores' },
  { target: 'case', label: 'CASE 1.1', what: 'The skill framework and skill prerequisites' },
  { target: 'openedx', label: 'Open edX', what: 'OLX course and a Studio script for prerequisites' },
  { target: 'xapi', label: 'xAPI', what: 'Statements from 20 simulated learners, for LRS dashboards' },
];

export const STATUS_LABEL: Record<Status, string> = {
  expressed: 'expressed',
  partial: 'partly',
  not_exported: 'not exported',
};

const CONCERN: Record<Status, number> = { not_exported: 0, partial: 1, expressed: 2 };

/** Verdicts with what a target loses first, then by rule id. */
export function byConcern(rules: RuleCoverage[]): RuleCoverage[] {
  return [...rules].sort((a, b) => CONCERN[a.status] - CONCERN[b.status] || a.rule.localeCompare(b.rule));
}

/** How many rules got each verdict. */
export function tally(coverage: Coverage): Record<Status, number> {
  const out: Record<Status, number> = { expressed: 0, partial: 0, not_exported: 0 };
  for (const r of coverage.rules) out[r.status] += 1;
  return out;
}

/** What a sync to an LRS did, or in a dry run would do, in one sentence. */
export function syncSummary(r: SyncReport): string {
  const sent = r.sent.length;
  const already = r.already === 0 ? '' : ` (${r.already} already there)`;
  if (r.dry_run) {
    return sent === 0
      ? `The LRS already has all ${r.total} statements: nothing to send.`
      : `Would send ${sent} of ${r.total} statements${already}.`;
  }
  return sent === 0
    ? `Nothing sent: the LRS already had all ${r.total} statements.`
    : `Sent ${sent} of ${r.total} statements${already}.`;
}

/** The diff against the previous export in one line. */
export function diffSummary(diff: ExportDiff): string {
  const { added, changed, removed, unchanged } = diff;
  if (added.length + changed.length + removed.length === 0) {
    return unchanged === 0 ? 'Nothing to write.' : `No changes since the previous export (${count(unchanged, 'file')}).`;
  }
  if (changed.length + removed.length + unchanged === 0) return `A new export: ${count(added.length, 'file')}.`;
  const parts = [];
  if (added.length) parts.push(`${added.length} added`);
  if (changed.length) parts.push(`${changed.length} changed`);
  if (removed.length) parts.push(`${removed.length} removed`);
  parts.push(`${unchanged} unchanged`);
  return `Since the previous export: ${parts.join(', ')}.`;
}

/** How far writing an export is, in words: files, and the bytes too once there are a
 *  megabyte or more of them (a carried video moves the bytes while the file count waits). */
export function writtenSoFar(p: ExportProgress): string {
  const files = `${p.done} / ${p.total} files`;
  if (p.bytes_total < 1e6) return files;
  const mb = (b: number) => (b / 1e6).toFixed(b < 1e7 ? 1 : 0);
  return `${files} · ${mb(p.bytes_done)} of ${mb(p.bytes_total)} MB`;
}
