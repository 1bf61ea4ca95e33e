-- Levels people set on modules, and what undoing each skill merge needs, get tables of
-- their own: before, the levels were one JSON map in `settings` (rewritten whole on each
-- change) and undoing a merge read it back out of the audit log's text.

-- A person's level for a module, kept over its file's on every import. No foreign key:
-- the decision outlives the module leaving a library and applies if it comes back.
CREATE TABLE module_levels (
    module_id TEXT PRIMARY KEY,
    level     TEXT NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced'))
) WITHOUT ROWID;

INSERT INTO module_levels (module_id, level)
SELECT j.key, j.value
FROM settings AS s, json_each(s.value) AS j
WHERE s.key = 'modules.levels';

DELETE FROM settings WHERE key = 'modules.levels';

-- One row per skill merge: the audit entry that logged it, and the skill's rows as they
-- were (store::MergeSnapshot) with the tracks whose targets it rewrote.
CREATE TABLE skill_merges (
    audit_seq INTEGER PRIMARY KEY REFERENCES audit_events (seq),
    snapshot  TEXT NOT NULL,
    tracks    TEXT NOT NULL
);

INSERT INTO skill_merges (audit_seq, snapshot, tracks)
SELECT seq, json_extract(before, '$.snapshot'), json_extract(before, '$.tracks')
FROM audit_events
WHERE action = 'skill.merged'
  AND json_type(before, '$.snapshot') = 'object'
  AND json_type(before, '$.tracks') = 'array';
