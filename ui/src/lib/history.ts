// Undo and redo stacks for edits that each have an inverse, shared by the graph and the
// taxonomy editors: a new edit clears what could be redone.

export type History<E> = { undo: E[]; redo: E[] };

export function empty<E>(): History<E> {
  return { undo: [], redo: [] };
}

export function record<E>(h: History<E>, e: E): History<E> {
  return { undo: [...h.undo, e], redo: [] };
}

/** The edit that undoes the last one, and the stacks once it is done. */
export function undoStep<E>(h: History<E>, inverse: (e: E) => E): { edit: E; next: History<E> } | null {
  const last = h.undo[h.undo.length - 1];
  if (last === undefined) return null;
  return { edit: inverse(last), next: { undo: h.undo.slice(0, -1), redo: [...h.redo, last] } };
}

export function redoStep<E>(h: History<E>): { edit: E; next: History<E> } | null {
  const last = h.redo[h.redo.length - 1];
  if (last === undefined) return null;
  return { edit: last, next: { undo: [...h.undo, last], redo: h.redo.slice(0, -1) } };
}

/** Replaces the newest undoable edit: a redone edit can come back with new facts (a merge
 *  redone gets a new audit entry). */
export function replaceTop<E>(h: History<E>, e: E): History<E> {
  return h.undo.length ? { undo: [...h.undo.slice(0, -1), e], redo: h.redo } : h;
}
