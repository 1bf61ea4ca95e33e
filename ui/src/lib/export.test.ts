import { describe, expect, it } from 'vitest';
import type { Coverage, ExportDiff, ExportProgress, SyncReport } from './bindings';
import { byConcern, diffSummary, syncSummary, tally, TARGETS, writtenSoFar } from './export';

const diff = (d: Partial<ExportDiff>): ExportDiff => ({ added: [], changed: [], removed: [], unchanged: 0, ...d });

describe('diffSummary', () => {
  const cases: [string, ExportDiff, string][] = [
    ['a first export lists only additions', diff({ added: ['a', 'b'] }), 'A new export: 2 files.'],
    ['an unchanged project says so', diff({ unchanged: 5 }), 'No changes since the previous export (5 files).'],
    [
      'a changed project names each kind of change',
      diff({ added: ['n'], changed: ['c'], removed: ['r', 's'], unchanged: 3 }),
      'Since the previous export: 1 added, 1 changed, 2 removed, 3 unchanged.',
    ],
  ];
  for (const [why, input, want] of cases) it(why, () => expect(diffSummary(input)).toBe(want));
});

describe('tally', () => {
  it('counts each verdict so the wizard can say what a target loses', () => {
    const coverage: Coverage = {
      target: 'canvas',
      unmapped: [],
      text_only: [],
      rules: [
        { rule: 'a', kind: 'unlock', status: 'expressed', how: '' },
        { rule: 'b', kind: 'unlock', status: 'expressed', how: '' },
        { rule: 'c', kind: 'reengagement', status: 'not_exported', how: '' },
      ],
    };
    expect(tally(coverage)).toEqual({ expressed: 2, partial: 0, not_exported: 1 });
  });
});

describe('byConcern', () => {
  it('lists what the target loses first, so an admin reads the gaps before the rest', () => {
    const rule = (r: string, status: 'expressed' | 'partial' | 'not_exported') => ({ rule: r, kind: 'unlock', status, how: '' });
    const sorted = byConcern([rule('a', 'expressed'), rule('c', 'partial'), rule('b', 'not_exported'), rule('a2', 'not_exported')]);
    expect(sorted.map((r) => r.rule)).toEqual(['a2', 'b', 'c', 'a']);
  });
});

describe('TARGETS', () => {
  it('offers every LMS target once, and not the bundle (it needs the signing key)', () => {
    const names = TARGETS.map((t) => t.target);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain('bundle');
    expect(names).toEqual(expect.arrayContaining(['moodle', 'canvas', 'scorm2004', 'scorm12', 'cmi5', 'case', 'openedx', 'xapi']));
  });
});

describe('syncSummary', () => {
  const report = (r: Partial<SyncReport>): SyncReport => ({ lrs: 'http://lrs/xAPI/statements', dry_run: false, total: 10, already: 0, sent: [], ...r });
  const sent = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, about: `module ${i}` }));
  const cases: [string, SyncReport, string][] = [
    ['a first sync sends everything', report({ sent: sent(10) }), 'Sent 10 of 10 statements.'],
    ['a later sync names what was already there', report({ sent: sent(2), already: 8 }), 'Sent 2 of 10 statements (8 already there).'],
    ['a repeated sync sends nothing and says why', report({ already: 10 }), 'Nothing sent: the LRS already had all 10 statements.'],
    ['a dry run speaks of what it would do', report({ dry_run: true, sent: sent(3), already: 7 }), 'Would send 3 of 10 statements (7 already there).'],
    ['a dry run with nothing to send says so', report({ dry_run: true, already: 10 }), 'The LRS already has all 10 statements: nothing to send.'],
  ];
  for (const [why, r, want] of cases) {
    it(why, () => expect(syncSummary(r), why).toBe(want));
  }
});

describe('writtenSoFar', () => {
  const at = (done: number, total: number, bytes_done: number, bytes_total: number): ExportProgress => ({
    done,
    total,
    bytes_done,
    bytes_total,
  });
  const cases: [string, ExportProgress, string][] = [
    ['a small export counts files only', at(3, 40, 20_000, 168_603), '3 / 40 files'],
    ['a large one adds the bytes', at(3, 5, 48_000_000, 120_000_000), '3 / 5 files · 48 of 120 MB'],
    ['under ten megabytes, to a tenth', at(1, 2, 1_250_000, 4_000_000), '1 / 2 files · 1.3 of 4.0 MB'],
  ];
  for (const [why, input, want] of cases) it(why, () => expect(writtenSoFar(input)).toBe(want));
});
