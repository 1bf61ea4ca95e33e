import { describe, expect, it } from 'vitest';
import { highlight, modelTags, percent, sourceFacts } from './insight';
import type { Module, ModuleInsight, Tag } from './bindings';

describe('highlight', () => {
  const cases: [string, [number, number][], string, string][] = [
    ['Hello world', [[6, 11]], 'Hello [world]', 'one span at the end'],
    ['Hello world', [], 'Hello world', 'no evidence, no marks'],
    ['abcdef', [[0, 2], [1, 4]], '[abcd]ef', 'overlapping spans merge'],
    ['abc', [[2, 99]], 'ab[c]', 'spans past the end are clipped'],
    ['😀 café — ok', [[2, 6]], '😀 [café] — ok', 'offsets are code points, so emoji count as one'],
  ];
  it.each(cases)('%s with %j → %s (%s)', (body, spans, expected) => {
    const segments = highlight(body, spans.map(([start, end]) => ({ start, end, score: 0.5 })));
    expect(segments.map((s) => (s.mark ? `[${s.text}]` : s.text)).join('')).toBe(expected);
    expect(segments.map((s) => s.text).join('')).toBe(body); // nothing lost or repeated
  });
});

describe('modelTags and percent', () => {
  it('keeps only model suggestions and formats confidence', () => {
    const tag = (source: Tag['source']): Tag => ({
      module_id: 'm', skill_id: 's', skill_slug: 's', skill_name: 'S', source, state: 'suggested',
      confidence: 0.874, model: null, evidence: [], rejected_before: false, auto_accepted: false, replaced_by: null,
    });
    const insight = { tags: [tag('declared'), tag('model')] } as ModuleInsight;
    expect(modelTags(insight).map((t) => t.source)).toEqual(['model']);
    expect(modelTags(null)).toEqual([]);
    expect(percent(0.874)).toBe('87%');
    expect(percent(null)).toBe('–');
  });
});

describe('sourceFacts', () => {
  const module = (extra: Record<string, unknown>): Module => ({
    id: 'm', library_id: 'l', source_path: 'item_1', title: 'Golf Explained', duration_minutes: 10,
    level: 'beginner', word_count: 6243, tags: [], extra, body: '',
  });
  const cases: [Record<string, unknown>, string[], string][] = [
    [{ document: 'md' }, [], 'a Markdown file says nothing of the kind'],
    [
      { section: 'Playing the Game', pages: ['a.html', 'b.html'], typical_learning_time: 10, keywords: ['golf', 'par'] },
      ['In “Playing the Game”', '10 min, as its metadata says', 'Text from its launch page and the 2 pages it shows', 'Keywords: golf, par'],
      'a package item: its place, its metadata and the pages its text comes from',
    ],
    [{ pages: ['a.html'] }, ['Text from its launch page and the page it shows'], 'one page, in the singular'],
    [{ encoding: 'windows-1252' }, ['Read as windows-1252, not UTF-8: check its accents'], 'a file saved on Windows'],
    [{ section: 3, keywords: 'golf', pages: [] }, [], 'values of another shape are not shown'],
  ];
  it.each(cases)('%j → %j (%s)', (extra, want, why) => expect(sourceFacts(module(extra)), why).toEqual(want));
});
