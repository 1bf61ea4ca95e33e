// The one module through which the UI reaches Rust: Pathforge's commands and the native
// dialogs. Every failure becomes an ApiError whose `kind` the UI branches on; messages are
// shown, never parsed. Command names, arguments and results are typed by the generated
// `commands.ts`.
import { Channel, invoke } from '@tauri-apps/api/core';
import { open, save } from '@tauri-apps/plugin-dialog';
import { getCurrentWindow } from '@tauri-apps/api/window';
import type {
  Rule,
  SampleLearner,
  ErrorKind,
  IpcError,
  Module,
  Level,
  ModuleId,
  TagProgress,
  ImportProgress,
  CatalogColumns,
  Profile,
  TagEdit,
  AuditFormat,
  TagState,
  SkillId,
  ExportRequest,
  TrackDraft,
  PrerequisiteGroup,
  Cohort,
  SimulationProgress,
  SimulationRequest,
  LrsRequest,
  LrsProgress,
  ExportProgress,
  Resolutions,
  LibraryId,
} from './bindings';
import type { Commands } from './commands';

export class ApiError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
  }
}

// A record, not a list, so the type checker fails when Rust adds a kind this file lacks.
const KINDS: Record<ErrorKind, true> = {
  not_found: true,
  already_exists: true,
  not_a_project: true,
  too_new: true,
  bad_input: true,
  io: true,
  storage: true,
  unknown_id: true,
  no_project: true,
  conflict: true,
  internal: true,
  cancelled: true,
  busy: true,
  read_only: true,
  remote: true,
};

function isIpcError(e: unknown): e is IpcError {
  if (typeof e !== 'object' || e === null) return false;
  const { kind, message } = e as Record<string, unknown>;
  return typeof message === 'string' && typeof kind === 'string' && Object.hasOwn(KINDS, kind);
}

/** Turns whatever a command rejected with into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isIpcError(e)) return new ApiError(e.kind, e.message);
  // Tauri itself rejects with a plain string (e.g. a command the window may not call).
  return new ApiError('internal', e instanceof Error ? e.message : String(e));
}

// Commands sent and not yet answered: closing the window waits for them (see `settle`).
const inFlight = new Set<Promise<unknown>>();

type Args<K extends keyof Commands> = Commands[K]['args'];

// Commands run off the window's thread (every one is `async` in the shell), so one that
// waits for an import or a suggestion to let go of the project no longer freezes the
// window. They are still sent one at a time, in the order asked, as the UI expects (an
// undo after its edit, a reload after a decision): each waits for the one before it to
// be answered. Cancelling is the exception: it must reach the long operation at once,
// and it takes nothing the others hold.
const UNQUEUED: ReadonlySet<keyof Commands> = new Set(['cancel_operation']);
let previous: Promise<unknown> = Promise.resolve();

/** Sends `command`: its name, arguments and result are checked against the generated map. */
function call<K extends keyof Commands>(
  command: K,
  ...args: keyof Args<K> extends never ? [] : [Args<K>]
): Promise<Commands[K]['result']> {
  return callIf(() => true, command, ...args);
}

/** Like `call`, but when its turn comes and `wanted()` is false the command is not sent
 *  and the promise fails with kind `cancelled`: a slow request asked again before it ran
 *  (an export preview, each change of target) then runs once, not once per change. */
async function callIf<K extends keyof Commands>(
  wanted: () => boolean,
  command: K,
  ...args: keyof Args<K> extends never ? [] : [Args<K>]
): Promise<Commands[K]['result']> {
  const send = () =>
    wanted()
      ? invoke<Commands[K]['result']>(command, args[0])
      : Promise.reject(new ApiError('cancelled', `${command}: asked again before it was sent`));
  let sent: Promise<Commands[K]['result']>;
  if (UNQUEUED.has(command)) sent = send();
  else {
    sent = previous.then(send);
    previous = sent.catch(() => undefined);
  }
  inFlight.add(sent);
  try {
    return await sent;
  } catch (e) {
    throw toApiError(e);
  } finally {
    inFlight.delete(sent);
  }
}

/** Resolves once every command sent so far has been answered (successfully or not). */
export async function settle(): Promise<void> {
  while (inFlight.size) await Promise.allSettled([...inFlight]);
}

const PROJECT_FILTER = [{ name: 'Pathforge project', extensions: ['pathforge'] }];
const BACKUP_FILTER = [
  { name: 'Pathforge backup', extensions: ['pathforge-backup'] },
  { name: 'Pathforge project', extensions: ['pathforge'] },
];

export const api = {
  sessionState: () => call('session_state'),
  createProject: (path: string) => call('create_project', { path }),
  openProject: (path: string) => call('open_project', { path }),
  recentProjects: () => call('recent_projects'),
  /** Imports a library folder, package or catalog; `onProgress` hears each file read. */
  importLibrary: (path: string, onProgress: (p: ImportProgress) => void = () => undefined) => {
    const channel = new Channel<ImportProgress>();
    channel.onmessage = onProgress;
    return call('import_library', { path, onProgress: channel });
  },
  catalogPreview: (path: string) => call('catalog_preview', { path }),
  mapCatalogColumns: (path: string, columns: CatalogColumns) =>
    call('map_catalog_columns', { path, columns }),
  listModules: () => call('list_modules'),
  /** The project's libraries: modules, when and where from, and whether that place is there. */
  listLibraries: () => call('list_libraries'),
  /** Takes a library out of the project: its modules retired, kept for when it is imported again. */
  removeLibrary: (library: LibraryId) => call('remove_library', { library }),
  getModule: (id: ModuleId) => call('get_module', { id }),
  auditLog: () => call('audit_log'),
  checkGraph: () => call('check_graph'),
  listRules: () => call('list_rules'),
  saveRule: (rule: Rule) => call('save_rule', { rule }),
  deleteRule: (id: string) => call('delete_rule', { id }),
  why: (learner: SampleLearner) => call('why', { learner }),
  /** Auto-tags changed modules; `onProgress` hears how far it is. */
  tagModules: (onProgress: (p: TagProgress) => void) => {
    const channel = new Channel<TagProgress>();
    channel.onmessage = onProgress;
    return call('tag_modules', { onProgress: channel });
  },
  /** Stops the import, auto-tagging, simulation run or suggesting in progress. */
  cancelOperation: () => call('cancel_operation'),
  /** Runs a simulation off the window's thread; `onProgress` hears how far it is. */
  simulate: (request: SimulationRequest, onProgress: (p: SimulationProgress) => void) => {
    const channel = new Channel<SimulationProgress>();
    channel.onmessage = onProgress;
    return call('simulate', { request, onProgress: channel });
  },
  simulationJourney: (request: SimulationRequest, rules: boolean, learner: number) =>
    call('simulation_journey', { request, rules, learner }),
  cohort: () => call('cohort'),
  /** Saves the project's cohort (null: back to the library's); returns the one in force. */
  setCohort: (cohort: Cohort | null) => call('set_cohort', { cohort }),
  /** Native open dialog for a signed rule bundle; null when cancelled. */
  chooseBundle: async (title: string) =>
    (await open({ title, filters: [{ name: 'Pathforge rule bundle', extensions: ['zip'] }], multiple: false, directory: false })) as
      | string
      | null,
  moduleInsight: (id: ModuleId) => call('module_insight', { id }),
  reviewQueue: (tagState: TagState | null, skill: string | null, minConfidence: number | null) =>
    call('review_queue', { tagState, skill, minConfidence }),
  decideTags: (tags: [ModuleId, SkillId][], tagState: TagState, note: string | null = null) =>
    call('decide_tags', { tags, tagState, note }),
  modelStatus: () => call('model_status'),
  chooseModel: (path: string) => call('choose_model', { path }),
  graphView: () => call('graph_view'),
  addPrerequisite: (before: ModuleId, after: ModuleId, group: PrerequisiteGroup | null = null) =>
    call('add_prerequisite', { before, after, group }),
  removePrerequisite: (before: ModuleId, after: ModuleId) => call('remove_prerequisite', { before, after }),
  cycleIfAdded: (before: ModuleId, after: ModuleId) => call('cycle_if_added', { before, after }),
  /** Up to `limit` edges the content suggests, best first, with their evidence (with
   *  `about`, only edges into or out of that module); `onProgress` hears how far it is
   *  (0 to 1), and `cancelOperation` stops it. Not sent if `wanted()` is false by its
   *  turn (asked again meanwhile). */
  suggestPrerequisites: (
    limit: number,
    about: ModuleId | null = null,
    onProgress: (at: number) => void = () => {},
    wanted: () => boolean = () => true,
  ) => {
    const channel = new Channel<number>();
    channel.onmessage = onProgress;
    return callIf(wanted, 'suggest_prerequisites', { limit, about, onProgress: channel });
  },
  dismissSuggestion: (before: ModuleId, after: ModuleId) => call('dismiss_suggestion', { before, after }),
  restoreSuggestion: (before: ModuleId, after: ModuleId) => call('restore_suggestion', { before, after }),
  importTaxonomy: (path: string) => call('import_taxonomy', { path }),
  setSkillExamples: (slug: string, examples: string[]) => call('set_skill_examples', { slug, examples }),
  describeSkill: (slug: string, description: string) => call('describe_skill', { slug, description }),
  addSkillPrerequisite: (before: string, after: string) => call('add_skill_prerequisite', { before, after }),
  removeSkillPrerequisite: (before: string, after: string) => call('remove_skill_prerequisite', { before, after }),
  trackPath: (track: string) => call('track_path', { track }),
  trackDrafts: () => call('track_drafts'),
  addTrack: (draft: TrackDraft) => call('add_track', { draft }),
  editTrack: (slug: string, draft: TrackDraft) => call('edit_track', { slug, draft }),
  removeTrack: (slug: string) => call('remove_track', { slug }),
  taxonomyView: () => call('taxonomy_view'),
  addSkill: (slug: string, name: string, parent: string | null) => call('add_skill', { slug, name, parent }),
  removeSkill: (slug: string) => call('remove_skill', { slug }),
  renameSkill: (slug: string, name: string) => call('rename_skill', { slug, name }),
  moveSkill: (slug: string, parent: string | null) => call('move_skill', { slug, parent }),
  retireSkill: (slug: string, retired: boolean) => call('retire_skill', { slug, retired }),
  mergePreview: (from: string, into: string) => call('merge_preview', { from, into }),
  mergeSkill: (from: string, into: string) => call('merge_skill', { from, into }),
  unmergeSkill: (audit: number) => call('unmerge_skill', { audit }),
  /** What an export would write; not sent at all if `wanted()` is false by its turn. */
  previewExport: (request: ExportRequest, wanted: () => boolean = () => true) =>
    callIf(wanted, 'preview_export', { request }),
  /** Writes an export; `onProgress` hears the files written, and `cancelOperation` stops
   *  it before the folder is put in place. */
  exportCourse: (request: ExportRequest, onProgress: (p: ExportProgress) => void) => {
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return call('export_course', { request, onProgress: channel });
  },
  /** What merging another copy of the project would do; nothing is written. */
  previewCopyMerge: (path: string) => call('preview_copy_merge', { path }),
  /** Merges another copy of the project, each conflict as resolved. */
  mergeCopy: (path: string, resolutions: Resolutions) => call('merge_copy', { path, resolutions }),
  /** Sends statements to an LRS (each once); `cancelOperation` stops between batches. */
  syncLrs: (request: LrsRequest, onProgress: (p: LrsProgress) => void) => {
    const channel = new Channel<LrsProgress>();
    channel.onmessage = onProgress;
    return call('sync_lrs', { request, onProgress: channel });
  },
  /** Native open dialog for an LRS credentials file (kept outside any project). */
  chooseCredentialsFile: async () =>
    (await open({ title: 'LRS credentials file (lines of USER:PASSWORD or URL USER:PASSWORD)', multiple: false, directory: false })) as
      | string
      | null,
  exportReviewPack: (path: string, skill: string | null, minConfidence: number | null) =>
    call('export_review_pack', { path, skill, minConfidence }),
  importReviewDecisions: (path: string) => call('import_review_decisions', { path }),
  calibration: () => call('calibration'),
  setModuleLevel: (module: ModuleId, level: Level | null) => call('set_module_level', { module, level }),
  editTag: (module: ModuleId, from: string, to: string, note: string | null) =>
    call('edit_tag', { module, from, to, note }),
  undoEdit: (edit: TagEdit) => call('undo_edit', { edit }),
  getProfile: () => call('get_profile'),
  setProfile: (profile: Profile) => call('set_profile', { profile }),
  verifyAudit: () => call('verify_audit'),
  exportAudit: (path: string, format: AuditFormat) => call('export_audit', { path, format }),
  /** Native save dialog for an audit log export; null when cancelled. */
  chooseAuditExportFile: (format: AuditFormat) =>
    save({
      title: 'Export the audit log',
      filters: [{ name: format === 'csv' ? 'CSV' : 'JSON', extensions: [format] }],
      defaultPath: `audit-log.${format}`,
    }),
  setAutoAccept: (threshold: number | null) => call('set_auto_accept', { threshold }),
  /** Native save dialog for an offline review pack; null when cancelled. */
  chooseReviewPackFile: () =>
    save({ title: 'Save review pack', filters: [{ name: 'Review pack (HTML)', extensions: ['html'] }], defaultPath: 'review-pack.html' }),
  /** Native open dialog for a decisions file an SME saved from a review pack. */
  chooseDecisionsFile: async () =>
    (await open({ title: 'Import SME decisions', filters: [{ name: 'Decisions (JSON)', extensions: ['json'] }], multiple: false })) as
      | string
      | null,

  modulePreview: (id: ModuleId) => call('module_preview', { id }),
  backupProject: (dest: string) => call('backup_project', { dest }),
  restoreProject: (from: string) => call('restore_project', { from }),
  /** Native save dialog for a project backup; null when cancelled. */
  chooseBackupFile: (defaultPath: string) =>
    save({ title: 'Back up the project', filters: BACKUP_FILTER, defaultPath }),
  /** Native open dialog for a backup to restore; null when cancelled. */
  chooseBackupToRestore: async () =>
    (await open({ title: 'Restore the project from a backup', filters: BACKUP_FILTER, multiple: false, directory: false })) as
      | string
      | null,
  /** Native save dialog for a new project; null when cancelled. */
  chooseNewProjectFile: () =>
    save({ title: 'New Pathforge project', filters: PROJECT_FILTER, defaultPath: 'Untitled.pathforge' }),
  /** Native open dialog for an existing project; null when cancelled. */
  chooseProjectFile: async () =>
    (await open({ title: 'Open project', filters: PROJECT_FILTER, multiple: false, directory: false })) as
      | string
      | null,
  /** Native folder picker for a content library; null when cancelled. */
  chooseLibraryFolder: async () =>
    (await open({ title: 'Import a content library', multiple: false, directory: true })) as string | null,
  /** Native open dialog for a library that is one file: a package or a catalog export. */
  chooseLibraryFile: async () =>
    (await open({
      title: 'Import a package or a catalog export',
      multiple: false,
      filters: [{ name: 'SCORM, cmi5 or Common Cartridge package, or LMS catalog CSV', extensions: ['zip', 'imscc', 'csv'] }],
    })) as string | null,
  /** Native folder picker for an export's destination; null when cancelled. */
  chooseExportFolder: async () =>
    (await open({ title: 'Export to folder', multiple: false, directory: true })) as string | null,
  /** Native save dialog for an export written as one zip, ready to upload to the LMS. */
  chooseExportZip: (suggested: string) =>
    save({ title: 'Export as one zip to upload', filters: [{ name: 'Zip', extensions: ['zip'] }], defaultPath: suggested }),
  /** Native open dialog for a module → LMS id mapping CSV; null when cancelled. */
  chooseMappingFile: async () =>
    (await open({
      title: 'Module to LMS id mapping (CSV: module,lms_id)',
      filters: [{ name: 'CSV', extensions: ['csv'] }],
      multiple: false,
      directory: false,
    })) as string | null,
  /** Native open dialog for a skill framework file; null when cancelled. */
  chooseTaxonomyFile: async () =>
    (await open({
      title: 'Import a skill framework (CASE JSON, Moodle framework CSV or id,parent_id,name,description CSV)',
      filters: [{ name: 'Skill frameworks', extensions: ['json', 'csv'] }],
      multiple: false,
      directory: false,
    })) as string | null,
  /** Native folder picker for a sentence-transformers model; null when cancelled. */
  chooseModelFolder: async () =>
    (await open({ title: 'Choose a sentence-transformers model folder', multiple: false, directory: true })) as
      | string
      | null,
  /** Names the window (task switcher, title bar) and the page alike; outside Tauri (unit
   *  tests) only the page. */
  setWindowTitle: async (title: string) => {
    document.title = title;
    await getCurrentWindow()
      .setTitle(title)
      .catch(() => undefined);
  },
};
