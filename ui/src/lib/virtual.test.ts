import { describe, expect, it } from 'vitest';
import { scrollToShow, visibleRange } from './virtual';

describe('visibleRange', () => {
  const check = (args: Parameters<typeof visibleRange>, expected: { start: number; end: number }, why: string) =>
    it(why, () => expect(visibleRange(...args)).toEqual(expected));
  check([0, 400, 20, 50], { start: 0, end: 50 }, 'a short list is drawn whole');
  check([0, 400, 20, 2000], { start: 0, end: 30 }, 'at the top: the 20 rows in view and 10 below');
  check([1000, 400, 20, 2000], { start: 40, end: 80 }, 'scrolled: 10 rows of margin above and below the 20 in view');
  check([39_990, 400, 20, 2000], { start: 1989, end: 2000 }, 'at the bottom: never past the last row');
  check([-50, 400, 20, 2000], { start: 0, end: 30 }, 'rubber-band scrolling above the top is the top');
  check([0, 0, 20, 2000], { start: 0, end: 11 }, 'a viewport not measured yet still draws a row and its margin');
});

describe('scrollToShow', () => {
  it('scrolls up to a row above the view, down to one below it, and not at all for one in view', () => {
    expect(scrollToShow(2, 100, 200, 20)).toBe(40);
    expect(scrollToShow(30, 100, 200, 20)).toBe(420);
    expect(scrollToShow(10, 100, 200, 20)).toBe(100);
  });
});
