import { describe, expect, it } from 'vitest';
import { newest } from './latest';

/** A promise resolved by hand, so the test decides the order answers come back in. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Asks `values.length` times, answers in `order`, and returns what ends up shown. */
async function check(values: string[], order: number[]): Promise<string | null> {
  const latest = newest();
  let shown: string | null = null;
  const answers = values.map((v) => ({ v, ...deferred<string>() }));
  const asks = answers.map(async (a) => {
    const current = latest.ask();
    const v = await a.promise;
    if (current()) shown = v;
  });
  for (const i of order) {
    const a = answers[i]!;
    a.resolve(a.v);
    await Promise.resolve();
  }
  await Promise.all(asks);
  return shown;
}

describe('newest', () => {
  const cases: [string, number[]][] = [
    ['answers in order: the last is shown', [0, 1, 2]],
    ['the newest answers first: an older answer arriving later is dropped', [2, 0, 1]],
    ['an older answer arriving last is dropped', [1, 2, 0]],
  ];
  for (const [why, order] of cases) {
    it(why, async () => expect(await check(['scorm2004', 'cmi5', 'moodle'], order)).toBe('moodle'));
  }

  it('a request asked alone is current until another is asked', () => {
    const latest = newest();
    const first = latest.ask();
    expect(first(), 'nothing newer asked yet').toBe(true);
    const second = latest.ask();
    expect(first(), 'a newer request supersedes it').toBe(false);
    expect(second(), 'the newest stays current').toBe(true);
  });
});
