// Runs the `pathforge` CLI (the debug build `make build` makes, or $PATHFORGE) to make the
// projects and exports the player tests play.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
/** ../shared, beside the repository: the public packages some tests play. */
export const SHARED = join(ROOT, '..', 'shared');

/** The public package `name` from ../shared. */
export function sharedPackage(name) {
  return join(SHARED, 'fixtures/real-packages', name);
}

/** A test's skip for when `file` (from ../shared) is absent, said loudly: `what` was NOT done. */
export function needsShared(file, what) {
  return existsSync(file) ? false : `NEEDS ${SHARED}: the real packages are not there, so ${what}`;
}
const BIN = process.env.PATHFORGE ?? join(ROOT, 'target/debug/pathforge');

function run(args, env = {}) {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: run \`make build\` first (make test does)`);
  }
  return execFileSync(BIN, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** `pathforge ARGS --json`, parsed. */
export function json(args, env) {
  return JSON.parse(run([...args, '--json'], env));
}

/** The sample libraries: each folder of sample-libraries/ with a pathforge.toml (the
 * others hold their sources, taxonomies and evaluation sets). */
export function sampleLibraries() {
  const dir = join(ROOT, 'sample-libraries');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'pathforge.toml')))
    .map((d) => d.name)
    .sort();
}

/** A new project with the sample library `name` imported, in a temporary folder, and
 * what the tests compare the runtime with: its modules, edges and rules. */
export function sampleProject(name) {
  return libraryProject(name, join(ROOT, 'sample-libraries', name));
}

/** The same for the library at `library` (a folder or a package), with the prerequisites
 * `links` ([before, after] titles) drawn after the import, as a designer draws them.
 * `exportTo(target, ...flags)` writes an export with the CLI's flags; `uploadTo` writes it
 * as one zip (`--out NAME.zip`) and unpacks that zip as an LMS does on upload, returning
 * the folder the LMS would serve. */
export function libraryProject(name, library, links = []) {
  const dir = mkdtempSync(join(tmpdir(), `pathforge-players-${name}-`));
  const file = join(dir, `${name}.pathforge`);
  const config = { PATHFORGE_CONFIG_DIR: join(dir, 'config') };
  run(['init', file], config);
  run(['import', file, library], config);
  for (const [before, after] of links) run(['graph', 'link', file, before, after], config);
  const modules = json(['modules', file], config);
  const edges = json(['graph', 'edges', file], config);
  const rules = json(['rules', 'list', file], config).rules;
  const exportTo = (target, ...flags) => {
    const out = join(dir, target);
    run(['export', file, '--target', target, '--out', out, ...flags], config);
    return out;
  };
  const uploadTo = (target, ...flags) => {
    const zip = join(dir, `${target}.zip`);
    run(['export', file, '--target', target, '--out', zip, ...flags], config);
    const served = join(dir, `${target}-uploaded`);
    execFileSync('python3', ['-m', 'zipfile', '-e', zip, served]);
    return served;
  };
  return { dir, file, modules, edges, rules, exportTo, uploadTo };
}

/** A designer's library in a temporary folder: the package at `packageFile` (named `name`
 * there) and, beside it, a `pathforge.toml` holding `manifest` (rules written for the
 * package's items). */
export function libraryBeside(packageFile, manifest, name = basename(packageFile)) {
  const library = mkdtempSync(join(tmpdir(), 'pathforge-library-'));
  copyFileSync(packageFile, join(library, name));
  writeFileSync(join(library, 'pathforge.toml'), manifest);
  return library;
}
