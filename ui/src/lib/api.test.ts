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
