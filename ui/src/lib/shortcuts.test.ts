import { describe, expect, it } from 'vitest';
import { SHORTCUTS, keysHandled, keysListed } from './shortcuts';

// Every component's source, by file name, as the sheet's `in` names them.
const sources: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob('../*.svelte', { query: '?raw', import: 'default', eager: true }) as Record<string, string>).map(
    ([path, text]) => [path.replace('../', ''), text],
  ),
);

describe('keysHandled', () => {
  const check = (source: string, want: string[], why: string) => expect([...keysHandled(source)].sort(), why).toEqual([...want].sort());

  it('reads the keys a handler compares with or looks up', () => {
    check("if (e.key === 'Escape') {} else if (mod && e.key.toLowerCase() === 'z') {}", ['Escape', 'z'], 'a plain comparison and a case-folded one');
    check("const key = e.key.toLowerCase(); if (key === 'o' || key === 't') {}", ['o', 't'], 'a key kept in a variable');
    check("['1', '2'].includes(e.key)", ['1', '2'], 'a literal list looked up');
    check("{#each rows as row (row.key)}", [], 'a keyed each block is not a keyboard key');
  });
});

describe('the shortcuts sheet', () => {
  it('lists every key each component answers to, and no key none answers to', () => {
    expect(Object.keys(sources).length, 'the components were read').toBeGreaterThan(10);
    for (const [file, source] of Object.entries(sources)) {
      expect([...keysListed(file)].sort(), `${file}: the sheet's keys against its handlers'`).toEqual([...keysHandled(source)].sort());
    }
  });

  it('names only components that exist', () => {
    for (const g of SHORTCUTS) {
      for (const s of g.shortcuts) {
        for (const file of s.in) expect(sources[file], `“${s.does}” names ${file}`).toBeDefined();
        expect(s.on.length, `“${s.does}” answers to some key`).toBeGreaterThan(0);
      }
    }
  });
});
