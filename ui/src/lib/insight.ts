// Pure helpers for showing auto-tags: evidence highlighting and labels.
import type { Evidence, Module, ModuleInsight, Tag } from './bindings';

/** A run of a module's body, marked when it is evidence for the selected tag. */
export type Segment = { text: string; mark: boolean; score: number | null };

/**
 * Splits `body` into runs, marking the evidence spans. Offsets count Unicode code points
 * (what Rust's `chars()` counts), not UTF-16 units, so emoji and accents line up.
 * Overlapping spans merge; out-of-range spans are clipped.
 */
export function highlight(body: string, evidence: Evidence[]): Segment[] {
  const chars = Array.from(body);
  const score: (number | null)[] = new Array(chars.length).fill(null);
  for (const e of evidence) {
    for (let i = Math.max(0, e.start); i < Math.min(e.end, chars.length); i++) {
      score[i] = Math.max(score[i] ?? -Infinity, e.score);
    }
  }
  const out: Segment[] = [];
  let start = 0;
  for (let i = 1; i <= chars.length; i++) {
    if (i === chars.length || (score[i] === null) !== (score[start] === null)) {
      const mark = score[start] !== null;
      out.push({ text: chars.slice(start, i).join(''), mark, score: mark ? (score[start] ?? null) : null });
      start = i;
    }
  }
  return out;
}

/** The model's tags on a module, best first (declared and personal tags are shown apart). */
export function modelTags(insight: ModuleInsight | null): Tag[] {
  return (insight?.tags ?? []).filter((t) => t.source === 'model');
}

/** "87%" for a confidence. */
export function percent(confidence: number | null): string {
  return confidence === null ? '–' : `${Math.round(confidence * 100)}%`;
}

/** What a module's source said of it that the import read over its guesses, or how the
 *  import read it, in words: the section of a package it sits in, the learning time and
 *  keywords its metadata gives, the pages its text comes from, an encoding other than
 *  UTF-8. Empty for a module whose source says nothing of the kind. */
export function sourceFacts(module: Module): string[] {
  const x = module.extra;
  const facts: string[] = [];
  if (typeof x.section === 'string') facts.push(`In “${x.section}”`);
  if (typeof x.typical_learning_time === 'number') facts.push(`${x.typical_learning_time} min, as its metadata says`);
  if (Array.isArray(x.pages) && x.pages.length) {
    const n = x.pages.length;
    facts.push(`Text from its launch page and the ${n === 1 ? 'page' : `${n} pages`} it shows`);
  }
  if (Array.isArray(x.keywords) && x.keywords.length) facts.push(`Keywords: ${x.keywords.join(', ')}`);
  if (typeof x.encoding === 'string') facts.push(`Read as ${x.encoding}, not UTF-8: check its accents`);
  return facts;
}
