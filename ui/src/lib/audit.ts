// The audit log view's pure parts: who did it, and which entries a filter keeps.
import type { Actor, AuditLine } from './bindings';

/** A person's name, "system", or the model's id and version. */
export function actorName(a: Actor): string {
  switch (a.kind) {
    case 'person':
      return a.role ? `${a.name} (${a.role === 'sme' ? 'SME' : a.role})` : a.name;
    case 'system':
      return 'Pathforge';
    case 'model':
      return `${a.id} ${a.version}`;
  }
}

/** Entries whose action starts with `action` (empty: any) and whose words, actor, action,
 * object or recorded change contains every word of `text`, any case; newest first. */
export function filterAudit(events: AuditLine[], action: string, text: string): AuditLine[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return events
    .filter((e) => !action || e.action === action || e.action.startsWith(`${action}.`))
    .filter((e) => {
      const hay = `${e.summary} ${actorName(e.actor)} ${e.action} ${e.object} ${JSON.stringify(e.after)}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => b.seq - a.seq);
}

/** The kinds of action present (the part before the first dot), for the filter. */
export function actionKinds(events: AuditLine[]): string[] {
  return [...new Set(events.map((e) => e.action.split('.')[0] ?? e.action))].sort();
}
