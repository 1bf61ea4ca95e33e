// Pure helpers for showing modules: durations, totals, filtering. No DOM, no IPC.
import type { ErrorKind, LibraryRemoved, ModuleSummary, TagReport } from './bindings';

/** "1 module", "0 modules", "3 modules": a count and its noun, singular for one; `many`
 *  where the plural is not the noun and an s ("entry", "entries"). */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "25 min", "1 h", "2 h 05 min". */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')} min`;
}

export function totalMinutes(modules: readonly ModuleSummary[]): number {
  return modules.reduce((sum, m) => sum + m.duration_minutes, 0);
}

/** Modules whose title, path or skills contain every word of `query` (case-insensitive). */
export function filterModules(modules: readonly ModuleSummary[], query: string): ModuleSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...modules];
  return modules.filter((m) => {
    const haystack = [m.title, m.source_path, m.level ?? '', ...m.tags].join(' ').toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

/** What the person can do about an error, by kind (the message says what happened). */
export function hintFor(kind: ErrorKind): string {
  switch (kind) {
    case 'not_a_project':
      return 'Choose a .pathforge file, or create a new project.';
    case 'already_exists':
      return 'Pick a new file name: Pathforge never overwrites a file.';
    case 'too_new':
      return 'This project needs a newer Pathforge.';
    case 'bad_input':
      return 'Fix the file named above and import again. Nothing was changed.';
    case 'not_found':
      return 'Check that the file or folder still exists.';
    case 'no_project':
      return 'Open or create a project first.';
    case 'io':
    case 'storage':
      return 'Nothing was changed. Check permissions and free space, then retry.';
    case 'unknown_id':
      return 'The item is gone; the list has been refreshed.';
    case 'conflict':
      return 'The change was refused to keep the curriculum consistent; nothing was changed.';
    case 'internal':
      return 'This is a bug in Pathforge; please report it.';
    case 'cancelled':
      return 'Stopped before anything was written: the project is as it was.';
    case 'read_only':
      return 'This project is in a folder Pathforge cannot write, so it is open to read only. Save a copy somewhere you can write to change it.';
    case 'busy':
      return 'Another Pathforge window or command is changing this project: close it there, or let that command finish, then retry. Nothing was changed.';
    case 'remote':
      return 'The learning record store could not be reached or refused the request; the project is unchanged. What it had already recorded stays there, and the next sync skips it.';
  }
}

/** What removing a library did, and how to undo it: "2 modules retired, and the 1 track
 *  its manifest declares. Import it again (Project ▸ Libraries…) to bring them back." */
export function describeRemoval(r: LibraryRemoved): string {
  const declared = [
    r.tracks ? count(r.tracks, 'track') : '',
    r.rules ? count(r.rules, 'rule') : '',
  ].filter(Boolean);
  const also = declared.length ? `, and the ${declared.join(' and ')} its manifest declares` : '';
  return `${count(r.modules, 'module')} retired${also}. Import it again (Project ▸ Libraries…) to bring them back.`;
}

/** What an auto-tagging run did, and why it suggested nothing when the project has no
 *  skills to suggest (modules, but no taxonomy yet). */
export function describeTagging(r: TagReport): string {
  return (
    (r.cancelled ? 'Auto-tagging cancelled; the modules finished before are saved. ' : '') +
    `Auto-tagged with ${r.model}: ${r.analysed} of ${count(r.modules, 'module')} read (${r.unchanged} unchanged` +
    `${r.empty ? `, ${r.empty} empty` : ''}); ${count(r.suggestions, 'suggestion')} open for review.` +
    (r.modules && !r.skills
      ? ' The project has no skills yet, so there is none to suggest (levels are guessed all the same): add or import them in the Taxonomy tab, then auto-tag again.'
      : '')
  );
}
