import { describe, expect, it } from 'vitest';
import type { ModuleStat, Report, Simulation } from './bindings';
import { bundlesFor, fairnessNote, funnel, heatMap, kpiRows, starterCohort, weeklyHistogram } from './simulation';

const stat = (key: string, started: number[], struggled: number[], example: number | null = null): ModuleStat => ({
  key,
  title: key.toUpperCase(),
  started: started.reduce((a, b) => a + b, 0),
  failed: 0,
  dropped: struggled.reduce((a, b) => a + b, 0),
  skipped: 0,
  mean_days: 1,
  mean_wait_days: 0,
  started_by_segment: started,
  struggled_by_segment: struggled,
  example_learner: example,
});

const report = (over: Partial<Report>): Report => ({
  policy: 'rules',
  learners: 100,
  completed: 50,
  completion_rate: 0.5,
  first_attempt_pass_rate: 0.75,
  placement_rate: 0.2,
  remediation_rate: 0.1,
  recertification_rate: 0,
  time_to_competency: { p10: 5, p50: 10, p90: 20 },
  competent_per_day: [],
  funnel: [],
  bottlenecks: [],
  hours_saved_by_placement: 12.4,
  segments: [],
  ...over,
});

describe('simulation views', () => {
  it('bins days to competency by week, the same weeks for every run', () => {
    const a = report({ competent_per_day: [1, 0, 0, 0, 0, 0, 2, 3] });
    const b = report({ competent_per_day: [0, 4] });
    const h = weeklyHistogram([a, b]);
    expect(h.weeks, 'eight days span two weeks, for both runs').toEqual(['wk 1', 'wk 2']);
    expect(h.counts, 'days 0-6 fall in week 1, day 7 in week 2').toEqual([
      [3, 3],
      [4, 0],
    ]);
    expect(weeklyHistogram([report({})]).weeks, 'nobody competent still draws one empty week').toEqual(['wk 1']);
  });

  it('lines funnels up by module, counting a module a run never reached as 0', () => {
    const a = report({ learners: 10, funnel: [stat('a', [10], [0]), stat('b', [5], [0])] });
    const b = report({ learners: 10, funnel: [stat('a', [10], [0]), stat('c', [2], [0])] });
    const f = funnel([a, b]);
    expect(f.titles, 'every module any run started, in order of first appearance').toEqual(['A', 'B', 'C']);
    expect(f.shares, 'shares of all learners').toEqual([
      [1, 0.5, 0],
      [1, 0, 0.2],
    ]);
  });

  it('puts the modules where most learners struggle on the heat map, worst first', () => {
    const r = report({
      funnel: [stat('fine', [10, 10], [0, 0]), stat('some', [10, 10], [1, 1], 7), stat('worst', [10, 5], [5, 5], 3)],
    });
    const h = heatMap(r);
    expect(h.modules.map((m) => m.key), 'a module nobody struggled with is left out').toEqual(['worst', 'some']);
    expect(h.modules[0]?.example, 'each row keeps a learner to open').toBe(3);
    expect(h.cells.filter((c) => c.row === 0).map((c) => c.rate), 'the rate is per segment, of those who started').toEqual([0.5, 1]);
  });

  it('tabulates each figure for every run and says who is flagged', () => {
    const sim: Simulation = {
      learners: 100,
      seed: 1,
      cohort: starterCohort(),
      runs: [
        { label: 'Static path', report: report({ time_to_competency: null, first_attempt_pass_rate: null }), fairness: [] },
        { label: 'Project rules', report: report({}), fairness: [] },
      ],
      changes: [],
    };
    const rows = kpiRows(sim);
    expect(rows.find((r) => r.label.startsWith('Days'))?.cells, 'no competent learner shows a dash').toEqual(['–', '5 / 10 / 20']);
    expect(rows.find((r) => r.label.startsWith('Hours'))?.cells, 'hours are whole').toEqual(['12 h', '12 h']);
    expect(rows.find((r) => r.label.startsWith('First'))?.cells, 'no assessment taken is not a 0% pass rate').toEqual(['–', '75.0%']);
    const gap = { segment: 'new', static_value: 0.7, rules_value: 0.6, static_gap: -0.1, rules_gap: -0.3, change: 0.2, low: 0.181, high: 0.219, flagged: true };
    expect(fairnessNote(gap), 'a gap reads as the segment’s completion and its gap to the rest, static → rules, with the interval').toBe(
      'completion 70.0% → 60.0%, gap to the rest −10.0 → −30.0 pts (widened +20.0, 95% +18.1 to +21.9)',
    );
  });

  it('adds the change from the first bundle version to the second', () => {
    const sim: Simulation = {
      learners: 100,
      seed: 1,
      cohort: starterCohort(),
      runs: [
        { label: 'Static path', report: report({}), fairness: [] },
        { label: 'Bundle 1', report: report({ completion_rate: 0.5, time_to_competency: { p10: 5, p50: 10, p90: 20 } }), fairness: [] },
        { label: 'Bundle 2', report: report({ completion_rate: 0.475, time_to_competency: { p10: 5, p50: 12.5, p90: 20 } }), fairness: [] },
      ],
      changes: [],
    };
    const rows = kpiRows(sim);
    expect(rows[0]?.cells, 'completion fell 2.5 points').toEqual(['50.0%', '50.0%', '47.5%', '−2.5 pts']);
    expect(rows[1]?.cells[3], 'the median took 2.5 days longer').toBe('+2.5 days (p50)');
    expect(rows[3]?.cells[3], 'no change shows as ±0').toBe('±0 pts');
    expect(kpiRows({ ...sim, runs: sim.runs.slice(0, 2) })[0]?.cells.length, 'one bundle: no change column').toBe(2);
  });

  it('asks for the bundles a comparison needs', () => {
    expect(bundlesFor('project', '', ''), 'the project needs none').toEqual([]);
    expect(bundlesFor('bundle', ' ', ''), 'one bundle must be chosen').toBe('Choose the bundle to simulate.');
    expect(bundlesFor('two', 'a.zip', ''), 'two need both').toBe('Choose the second bundle version.');
    expect(bundlesFor('two', 'a.zip', 'b.zip'), 'both, in order').toEqual(['a.zip', 'b.zip']);
  });
});
