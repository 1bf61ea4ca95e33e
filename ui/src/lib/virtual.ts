// Which rows of a long list to draw: only those in view (plus a margin), so a list of
// thousands of modules or findings costs what a screenful costs.

/** The half-open index range [start, end) to render for a scroll position. Lists of at
 *  most `all` rows are drawn whole (then nothing moves under tests or find-in-page). */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 10,
  all = 200,
): { start: number; end: number } {
  if (count <= all) return { start: 0, end: count };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(viewport, rowHeight) / rowHeight);
  const start = Math.max(0, Math.min(first, count - 1) - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end };
}

/** The scroll position that brings row `index` into view (unchanged when it is). */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return scrollTop;
}
