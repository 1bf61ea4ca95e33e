// Pure helpers for the Simulate tab: what the charts and tables show, from the reports
// the engine returns. No DOM, no IPC.
import type { Cohort, FairnessGap, Report, Segment, Simulation } from './bindings';

/** A new segment to edit, with plain defaults. */
export function newSegment(n: number): Segment {
  return {
    name: `Segment ${n}`,
    share: 1,
    attributes: {},
    prior: 0.3,
    speed: 1,
    weekly_minutes: 180,
    dropout_per_week: 0.02,
    reengage_response: 0.5,
  };
}

/** A cohort to start editing from when the project declares none. */
export function starterCohort(): Cohort {
  return { segments: [newSegment(1)], bkt: { learn: 0.35, guess: 0.2, slip: 0.1, forget: 0 } };
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** "+1.5", "−2.0", "±0" with one decimal and a unit. */
function signed(x: number, unit: string): string {
  const v = Math.round(x * 10) / 10;
  if (v === 0) return `±0${unit}`;
  return `${v > 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}${unit}`;
}

/**
 * The KPI table: one row per figure, one cell per run; with two bundle versions, a last
 * cell with the change from the first version to the second.
 */
export function kpiRows(sim: Simulation): { label: string; cells: string[] }[] {
  const reports = sim.runs.map((run) => run.report);
  const [, first, second] = reports;
  const compare = reports.length === 3 && first && second;
  const row = (label: string, show: (r: Report) => string, value: (r: Report) => number | null, unit: string) => {
    const cells = reports.map(show);
    if (compare) {
      const a = value(first);
      const b = value(second);
      cells.push(a === null || b === null ? '–' : signed(b - a, unit));
    }
    return { label, cells };
  };
  const days = (r: Report) =>
    r.time_to_competency ? `${r.time_to_competency.p10} / ${r.time_to_competency.p50} / ${r.time_to_competency.p90}` : '–';
  const points = (x: number | null) => (x === null ? null : x * 100);
  return [
    row('Completion', (r) => pct(r.completion_rate), (r) => points(r.completion_rate), ' pts'),
    row('Days to competency (p10 / p50 / p90)', days, (r) => r.time_to_competency?.p50 ?? null, ' days (p50)'),
    row(
      'First-attempt pass rate',
      (r) => (r.first_attempt_pass_rate === null ? '–' : pct(r.first_attempt_pass_rate)),
      (r) => points(r.first_attempt_pass_rate),
      ' pts',
    ),
    row('Placed by a pre-assessment', (r) => pct(r.placement_rate), (r) => points(r.placement_rate), ' pts'),
    row('Remediated', (r) => pct(r.remediation_rate), (r) => points(r.remediation_rate), ' pts'),
    row('Re-enrolled to recertify', (r) => pct(r.recertification_rate), (r) => points(r.recertification_rate), ' pts'),
    row('Hours saved by placement', (r) => `${Math.round(r.hours_saved_by_placement)} h`, (r) => r.hours_saved_by_placement, ' h'),
  ];
}

/**
 * Days to competency as weekly bins shared by every run (so the bars line up): week
 * labels and, per run, how many learners became competent that week.
 */
export function weeklyHistogram(reports: readonly Report[]): { weeks: string[]; counts: number[][] } {
  const days = Math.max(0, ...reports.map((r) => r.competent_per_day.length));
  const weeks = Math.max(1, Math.ceil(days / 7));
  const counts = reports.map((r) => {
    const bins = new Array<number>(weeks).fill(0);
    r.competent_per_day.forEach((n, day) => (bins[Math.floor(day / 7)] = (bins[Math.floor(day / 7)] ?? 0) + n));
    return bins;
  });
  return { weeks: Array.from({ length: weeks }, (_, w) => `wk ${w + 1}`), counts };
}

/**
 * The drop-off funnel: the modules of the first run's funnel, in path order, and per run
 * the share of learners who started each (modules a run never reached count 0).
 */
export function funnel(reports: readonly Report[]): { titles: string[]; shares: number[][] } {
  const order: string[] = [];
  const titles = new Map<string, string>();
  for (const r of reports)
    for (const m of r.funnel)
      if (!titles.has(m.key)) {
        titles.set(m.key, m.title);
        order.push(m.key);
      }
  const shares = reports.map((r) => {
    const started = new Map(r.funnel.map((m) => [m.key, m.started]));
    return order.map((k) => (r.learners ? (started.get(k) ?? 0) / r.learners : 0));
  });
  return { titles: order.map((k) => titles.get(k) ?? k), shares };
}

/** One heat-map cell: module row, segment column, share of starters who struggled. */
export type HeatCell = { row: number; column: number; rate: number; started: number };

/**
 * Where learners struggle (dropped out or failed), per module and segment: the `limit`
 * modules with the most struggling learners (worst first), and every cell's rate.
 */
export function heatMap(report: Report, limit = 20): { modules: { key: string; title: string; example: number | null }[]; cells: HeatCell[] } {
  const worst = [...report.funnel]
    .map((m) => ({ m, lost: m.struggled_by_segment.reduce((a, b) => a + b, 0) }))
    .filter((x) => x.lost > 0)
    .sort((a, b) => b.lost - a.lost)
    .slice(0, limit)
    .map((x) => x.m);
  const cells: HeatCell[] = [];
  worst.forEach((m, row) =>
    m.started_by_segment.forEach((started, column) =>
      cells.push({ row, column, started, rate: started ? (m.struggled_by_segment[column] ?? 0) / started : 0 }),
    ),
  );
  return { modules: worst.map((m) => ({ key: m.key, title: m.title, example: m.example_learner })), cells };
}

/** A segment's completion gap in words: "completion 70.0% → 60.0%, gap to the rest −10.0 → −30.0 pts (widened +20.0, 95% +18.1 to +21.9)". */
export function fairnessNote(g: FairnessGap): string {
  const n = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
  const p = (x: number) => `${(x * 100).toFixed(1)}%`;
  return `completion ${p(g.static_value)} → ${p(g.rules_value)}, gap to the rest ${n(g.static_gap)} → ${n(g.rules_gap)} pts (widened ${n(g.change)}, 95% ${n(g.low)} to ${n(g.high)})`;
}

/** The bundles a comparison needs, by mode; a missing path is named. */
export function bundlesFor(mode: 'project' | 'bundle' | 'two', first: string, second: string): string[] | string {
  if (mode === 'project') return [];
  if (!first.trim()) return 'Choose the bundle to simulate.';
  if (mode === 'bundle') return [first.trim()];
  if (!second.trim()) return 'Choose the second bundle version.';
  return [first.trim(), second.trim()];
}

