import { describe, expect, it } from 'vitest';
import { actionKinds, actorName, filterAudit, kindLabel } from './audit';
import type { AuditLine } from './bindings';

const event = (seq: number, action: string, actor: AuditLine['actor'], object = 'x', after: unknown = null, summary = ''): AuditLine => ({
  summary,
  seq,
  at: 0,
  actor,
  action,
  object,
  before: null,
  after,
});

const log = [
  event(1, 'library.imported', { kind: 'system' }, 'lib-1'),
  event(2, 'tag.decided', { kind: 'person', name: 'Dana Okafor' }, 'm-7', { note: 'too general' }),
  event(3, 'tags.auto_accepted', { kind: 'model', id: 'all-MiniLM-L6-v2', version: 'abc' }, 'model'),
  event(4, 'tag.decided', { kind: 'person', name: 'Sam Lee' }, 'm-9', null, 'Accepted “Closing” on “Mutual Action Plans”'),
];

describe('audit log filter', () => {
  it('keeps an action and its sub-actions, newest first', () => {
    expect(filterAudit(log, 'tag.decided', '').map((e) => e.seq), 'exact action').toEqual([4, 2]);
    expect(filterAudit(log, '', '').map((e) => e.seq), 'no filter: all, newest first').toEqual([4, 3, 2, 1]);
  });

  it('matches every word against actor, action, object and what changed', () => {
    expect(filterAudit(log, '', 'dana').map((e) => e.seq), 'by person').toEqual([2]);
    expect(filterAudit(log, '', 'general decided').map((e) => e.seq), 'a note and the action, both words').toEqual([2]);
    expect(filterAudit(log, '', 'minilm').map((e) => e.seq), 'by model').toEqual([3]);
    expect(filterAudit(log, '', 'mutual closing').map((e) => e.seq), 'by the names the entry is read with').toEqual([4]);
  });

  it('names actors and lists action kinds', () => {
    expect(actorName({ kind: 'system' })).toBe('Pathforge');
    expect(actorName({ kind: 'person', name: 'Dana', role: 'sme' }), 'a person with a role').toBe('Dana (SME)');
    expect(actorName({ kind: 'model', id: 'm', version: 'v1' })).toBe('m v1');
    expect(actionKinds(log), 'the part before the dot, once each').toEqual(['library', 'tag', 'tags']);
    expect(actionKinds(log).map(kindLabel), 'each in words').toEqual(['Library imports', 'Tag decisions', 'Tag decisions in bulk']);
    expect(kindLabel('course'), 'a kind from a newer build, as stored').toBe('course');
  });
});
