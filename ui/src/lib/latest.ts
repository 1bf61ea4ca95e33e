// Keeps only the newest answer of a request asked again before the last one came back
// (the Export tab's previews, the Graph tab's suggestions):
// a slow answer (an export preview of a large project takes seconds) must not land over
// the answer to what the user chose since.

/** Each call to `ask()` starts a request and returns whether it is still the newest. */
export function newest(): { ask: () => () => boolean } {
  let asked = 0;
  return {
    ask() {
      const mine = ++asked;
      return () => mine === asked;
    },
  };
}
