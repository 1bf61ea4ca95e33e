// The keyboard shortcuts, as the shortcuts sheet (F1) lists them. Each names the keys it
// answers to (`KeyboardEvent.key`) and the components whose handlers do it; a test reads
// those components and fails when a handler answers a key the sheet does not list, or the
// sheet lists one no handler answers — the sheet cannot drift from what the keys do.

export interface Shortcut {
  /** As the sheet shows it: "Ctrl+Z", "J or ↓". */
  keys: string;
  does: string;
  /** The `KeyboardEvent.key` values it answers to (lower case where the handler folds case). */
  on: string[];
  /** The components (file names in `src/`) whose handlers do it. */
  in: string[];
}

export interface ShortcutGroup {
  where: string;
  shortcuts: Shortcut[];
}

const digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const SHORTCUTS: ShortcutGroup[] = [
  {
    where: 'Everywhere',
    shortcuts: [
      { keys: 'F1 or ?', does: 'These shortcuts (again: close them)', on: ['F1', '?'], in: ['App.svelte', 'ShortcutsDialog.svelte'] },
      { keys: 'Ctrl+N', does: 'New project', on: ['n'], in: ['App.svelte'] },
      { keys: 'Ctrl+O', does: 'Open a project', on: ['o'], in: ['App.svelte'] },
      { keys: 'Ctrl+B', does: 'Back up the project', on: ['b'], in: ['App.svelte'] },
      { keys: 'Ctrl+,', does: 'Settings', on: [','], in: ['App.svelte'] },
      { keys: 'Ctrl+I', does: 'Import a library folder (Shift: one file)', on: ['i'], in: ['App.svelte'] },
      { keys: 'Ctrl+T', does: 'Auto-tag the modules', on: ['t'], in: ['App.svelte'] },
      { keys: 'Ctrl+1 … Ctrl+9', does: 'Go to the tabs, Modules to Tracks', on: digits, in: ['App.svelte'] },
      { keys: 'Esc', does: 'Cancel an import or auto-tagging; close a menu, an error or a dialog', on: ['Escape'], in: ['App.svelte', 'SettingsDialog.svelte', 'CatalogColumnsDialog.svelte', 'ShortcutsDialog.svelte', 'LibrariesDialog.svelte'] },
      { keys: 'Enter', does: 'Confirm a dialog', on: ['Enter'], in: ['CatalogColumnsDialog.svelte'] },
      { keys: 'Ctrl+W or Ctrl+Q', does: 'Close the window', on: ['w', 'q'], in: ['App.svelte'] },
    ],
  },
  {
    where: 'Modules',
    shortcuts: [
      { keys: '/', does: 'Filter the modules', on: ['/'], in: ['App.svelte'] },
      { keys: '↑ / ↓', does: 'Previous / next module', on: ['ArrowUp', 'ArrowDown'], in: ['App.svelte'] },
      { keys: 'G', does: 'Show the module in the graph', on: ['g'], in: ['App.svelte'] },
    ],
  },
  {
    where: 'Review',
    shortcuts: [
      { keys: 'A', does: 'Accept the suggestion', on: ['a'], in: ['ReviewView.svelte'] },
      { keys: 'R', does: 'Reject it', on: ['r'], in: ['ReviewView.svelte'] },
      { keys: 'E', does: 'Replace it by another skill (Enter applies, Esc cancels)', on: ['e', 'Enter', 'Escape'], in: ['ReviewView.svelte'] },
      { keys: 'N', does: 'Write a note for the audit log (Enter keeps it, Esc clears it)', on: ['n'], in: ['ReviewView.svelte'] },
      { keys: 'J or ↓ / K or ↑', does: 'Next / previous suggestion', on: ['j', 'ArrowDown', 'k', 'ArrowUp'], in: ['ReviewView.svelte'] },
      { keys: 'Ctrl+Z / Ctrl+Y', does: 'Undo the last decision / make it again (also Ctrl+Shift+Z)', on: ['z', 'y'], in: ['ReviewView.svelte'] },
    ],
  },
  {
    where: 'Graph',
    shortcuts: [
      { keys: 'C', does: 'Connect: drag from a module to one that needs it', on: ['c'], in: ['GraphView.svelte'] },
      { keys: 'Del', does: 'Remove the selected prerequisite, or dismiss the suggestion', on: ['Delete', 'Backspace'], in: ['GraphView.svelte'] },
      { keys: 'S', does: 'Suggest prerequisites (again: hide them; while working: stop)', on: ['s'], in: ['GraphView.svelte'] },
      { keys: 'Shift+S', does: 'Suggest for the selected module', on: ['S'], in: ['GraphView.svelte'] },
      { keys: 'F', does: 'Fit the drawing to the window', on: ['f'], in: ['GraphView.svelte'] },
      { keys: 'Shift+F', does: 'Overview of a large graph', on: ['F'], in: ['GraphView.svelte'] },
      { keys: 'Esc', does: 'Clear the selection; stop suggesting', on: ['Escape'], in: ['GraphView.svelte'] },
      { keys: 'Ctrl+Z / Ctrl+Y', does: 'Undo / redo (also Ctrl+Shift+Z)', on: ['z', 'y'], in: ['GraphView.svelte'] },
    ],
  },
  {
    where: 'Skills',
    shortcuts: [
      { keys: '↑ / ↓', does: 'Previous / next skill', on: ['ArrowUp', 'ArrowDown'], in: ['TaxonomyView.svelte'] },
      { keys: '← / →', does: 'Fold / unfold a skill', on: ['ArrowLeft', 'ArrowRight'], in: ['TaxonomyView.svelte'] },
      { keys: 'F2', does: 'Rename the skill (Enter keeps, Esc cancels)', on: ['F2', 'Enter'], in: ['TaxonomyView.svelte'] },
      { keys: 'N', does: 'New skill', on: ['n'], in: ['TaxonomyView.svelte'] },
      { keys: 'Esc', does: 'Stop dragging, or cancel a rename', on: ['Escape'], in: ['TaxonomyView.svelte'] },
      { keys: 'C · Del · F', does: 'On the skill graph: connect, remove the selected prerequisite, fit', on: ['c', 'Delete', 'Backspace', 'f'], in: ['SkillGraph.svelte'] },
      { keys: 'Ctrl+Z / Ctrl+Y', does: 'Undo / redo (also Ctrl+Shift+Z)', on: ['z', 'y'], in: ['TaxonomyView.svelte'] },
    ],
  },
  {
    where: 'Rules and Tracks',
    shortcuts: [
      { keys: 'Ctrl+S', does: 'Save the rule or track', on: ['s'], in: ['RulesView.svelte', 'TracksView.svelte'] },
      { keys: 'N', does: 'New track', on: ['n', 'N'], in: ['TracksView.svelte'] },
      { keys: 'Del', does: 'Remove the track (asks first)', on: ['Delete'], in: ['TracksView.svelte'] },
      { keys: '↑ / ↓', does: 'Previous / next track', on: ['ArrowUp', 'ArrowDown'], in: ['TracksView.svelte'] },
      { keys: 'Ctrl+Z / Ctrl+Y', does: 'Undo / redo tracks (also Ctrl+Shift+Z)', on: ['z', 'y'], in: ['TracksView.svelte'] },
    ],
  },
  {
    where: 'Export and Simulate',
    shortcuts: [
      { keys: 'Ctrl+E', does: 'Export', on: ['e'], in: ['ExportView.svelte'] },
      { keys: 'Esc', does: 'Cancel the export being written', on: ['Escape'], in: ['ExportView.svelte'] },
      { keys: 'Ctrl+Enter', does: 'Run the simulation', on: ['Enter'], in: ['SimulationView.svelte'] },
      { keys: 'Esc', does: 'Cancel the run', on: ['Escape'], in: ['SimulationView.svelte'] },
    ],
  },
  {
    where: 'Merging another copy',
    shortcuts: [
      { keys: '↑ / ↓', does: 'Previous / next conflict', on: ['ArrowUp', 'ArrowDown'], in: ['MergeDialog.svelte'] },
      { keys: 'O / T', does: 'Keep ours / take theirs (Shift: for all)', on: ['o', 't'], in: ['MergeDialog.svelte'] },
      { keys: 'Enter / Esc', does: 'Merge / cancel', on: ['Enter', 'Escape'], in: ['MergeDialog.svelte'] },
    ],
  },
];

/**
 * The keys a component's source answers to: every `KeyboardEvent.key` it compares with a
 * literal (`e.key === 'a'`, `key === 'o'`, `e.key.toLowerCase() === 'z'`) or looks up in a
 * literal list (`[...].includes(e.key)`).
 */
export function keysHandled(source: string): Set<string> {
  const keys = new Set<string>();
  for (const m of source.matchAll(/\bkey(?:\.toLowerCase\(\))?\s*===\s*'([^']+)'/g)) keys.add(m[1] ?? '');
  for (const m of source.matchAll(/\[([^\]]*)\]\.includes\(e\.key\)/g)) {
    for (const k of (m[1] ?? '').matchAll(/'([^']+)'/g)) keys.add(k[1] ?? '');
  }
  return keys;
}

/** The keys the sheet says `file` answers to. */
export function keysListed(file: string, groups: ShortcutGroup[] = SHORTCUTS): Set<string> {
  const keys = new Set<string>();
  for (const g of groups) for (const s of g.shortcuts) if (s.in.includes(file)) s.on.forEach((k) => keys.add(k));
  return keys;
}
