import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { api, ApiError, settle, toApiError } from './api';

afterEach(() => clearMocks());

describe('api', () => {
  it('settles only when every command sent has been answered, failures included', async () => {
    let answer: (v: unknown) => void = () => {};
    mockIPC((cmd) => {
      if (cmd === 'rename_skill') return new Promise((resolve) => (answer = resolve));
      throw { kind: 'conflict', message: 'no' };
    });
    const renamed = api.renameSkill('a', 'B');
    const refused = api.removeSkill('a').catch(() => 'refused');
    let settled = false;
    const done = settle().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false); // the rename is still on its way
    answer({ skills: [] });
    await done;
    expect(settled).toBe(true);
    await renamed;
    expect(await refused).toBe('refused');
  });

  it('sends commands one at a time in the order asked, a failure not stopping the rest', async () => {
    const sent: string[] = [];
    let finishImport: (v: unknown) => void = () => {};
    mockIPC((cmd) => {
      sent.push(cmd);
      if (cmd === 'import_library') return new Promise((resolve) => (finishImport = resolve));
      if (cmd === 'list_rules') throw { kind: 'no_project', message: 'no project' };
      return [];
    });
    const imported = api.importLibrary('/lib');
    const rules = api.listRules().catch(() => 'refused');
    const modules = api.listModules();
    await new Promise((r) => setTimeout(r, 10));
    // The import holds the project: the commands asked after it wait their turn in the
    // window, not in the shell, where they would hold up the window's thread.
    expect(sent).toEqual(['import_library']);
    finishImport({ modules: 0 });
    await imported;
    expect(await rules).toBe('refused');
    expect(await modules).toEqual([]);
    expect(sent, 'each sent once its predecessor was answered, in order').toEqual([
      'import_library',
      'list_rules',
      'list_modules',
    ]);
  });

  it('sends a cancel at once, past a command still running', async () => {
    const sent: string[] = [];
    let finishTagging: (v: unknown) => void = () => {};
    mockIPC((cmd) => {
      sent.push(cmd);
      if (cmd === 'tag_modules') return new Promise((resolve) => (finishTagging = resolve));
      return null;
    });
    const tagging = api.tagModules(() => undefined);
    const listed = api.listModules();
    await new Promise((r) => setTimeout(r, 10));
    await api.cancelOperation();
    expect(sent, 'the cancel reaches the shell while tagging runs; the list still waits').toEqual([
      'tag_modules',
      'cancel_operation',
    ]);
    finishTagging({ tagged: 0 });
    await tagging;
    await listed;
    expect(sent).toEqual(['tag_modules', 'cancel_operation', 'list_modules']);
  });

  it('drops a request no longer wanted by its turn, without sending it', async () => {
    const sent: unknown[] = [];
    let finishImport: (v: unknown) => void = () => {};
    mockIPC((cmd, args) => {
      sent.push(cmd === 'preview_export' ? (args as { request: { target: string } }).request.target : cmd);
      if (cmd === 'import_library') return new Promise((resolve) => (finishImport = resolve));
      return { files: [] };
    });
    const request = (target: string) => ({ target, folder: '/out', mapping: null, remote_images: false, carry_items: false }) as never;
    const imported = api.importLibrary('/lib');
    let newest = 'scorm2004';
    const asked = ['scorm2004', 'cmi5', 'moodle'].map((t) => {
      newest = t;
      return api.previewExport(request(t), () => newest === t).catch((e: ApiError) => e.kind);
    });
    await new Promise((r) => setTimeout(r, 10));
    finishImport({ modules: 0 });
    await imported;
    expect(await Promise.all(asked)).toEqual(['cancelled', 'cancelled', { files: [] }]);
    expect(sent, 'only the newest preview reaches the shell').toEqual(['import_library', 'moodle']);
  });

  it('passes arguments by name and returns the result', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return { id: 'm1', title: 'T' };
    });
    const m = await api.getModule('m1');
    expect(m.title).toBe('T');
    expect(calls).toEqual([['get_module', { id: 'm1' }]]);
  });

  it('turns {kind, message} rejections into ApiErrors with that kind', async () => {
    mockIPC(() => {
      throw { kind: 'not_a_project', message: '/x/notes.txt: not a Pathforge project' };
    });
    const err = await api.openProject('/x/notes.txt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe('not_a_project');
    expect((err as ApiError).message).toContain('notes.txt');
  });

  it('classifies anything else as internal rather than guessing from text', () => {
    expect(toApiError('Command import_library not allowed by ACL').kind).toBe('internal');
    expect(toApiError({ kind: 'made_up', message: 'x' }).kind).toBe('internal');
    expect(toApiError(new Error('boom')).message).toBe('boom');
  });
});
