-- Schema 1: the project, its libraries and modules, the taxonomy, tags, prerequisites,
-- rules and the append-only audit log.

CREATE TABLE project (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Small project-wide values (e.g. the identity of an imported CASE framework), as JSON.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE libraries (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    source_path TEXT NOT NULL,
    format      TEXT NOT NULL,
    imported_at INTEGER NOT NULL
);

CREATE TABLE modules (
    id               TEXT PRIMARY KEY,
    library_id       TEXT NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
    source_path      TEXT NOT NULL,
    position         INTEGER NOT NULL,
    title            TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    level            TEXT CHECK (level IN ('beginner', 'intermediate', 'advanced')),
    word_count       INTEGER NOT NULL CHECK (word_count >= 0),
    extra            TEXT NOT NULL DEFAULT '{}',
    body             TEXT NOT NULL,
    -- Its file left the library: kept with its tags, edges and history, out of every list.
    retired          INTEGER NOT NULL DEFAULT 0,
    UNIQUE (library_id, source_path)
);

CREATE TABLE skills (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    parent_id   TEXT REFERENCES skills (id),
    description TEXT NOT NULL DEFAULT '',
    examples    TEXT NOT NULL DEFAULT '[]',
    retired     INTEGER NOT NULL DEFAULT 0
);

-- Slugs of skills merged into others: content still tagged with them lands on the survivor.
CREATE TABLE skill_aliases (
    slug     TEXT PRIMARY KEY,
    skill_id TEXT NOT NULL REFERENCES skills (id) ON DELETE CASCADE
);

-- Skill `before_id` must be mastered before skill `after_id`.
CREATE TABLE skill_prerequisites (
    before_id TEXT NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    after_id  TEXT NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    origin    TEXT NOT NULL CHECK (origin IN ('manifest', 'person')),
    PRIMARY KEY (before_id, after_id)
);

CREATE TABLE tags (
    module_id  TEXT NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
    skill_id   TEXT NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    source     TEXT NOT NULL CHECK (source IN ('declared', 'model', 'person')),
    state      TEXT NOT NULL CHECK (state IN ('suggested', 'accepted', 'rejected')),
    confidence REAL CHECK (confidence BETWEEN 0 AND 1),
    position   INTEGER NOT NULL DEFAULT 0,
    -- For model suggestions: the model (name@version), the passages that earned the
    -- tag (JSON list of {start, end, score}), and the module text it was made for.
    model      TEXT,
    evidence   TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT,
    -- A person rejected this skill for an earlier version of the module's text.
    rejected_before INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (module_id, skill_id, source)
);

-- Embedding cache: one unit vector (little-endian f32s) per model and text hash, so
-- re-tagging embeds only passages it has not seen.
CREATE TABLE embeddings (
    model  TEXT NOT NULL,
    hash   TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, hash)
) WITHOUT ROWID;

-- What auto-tagging last found in a module besides skill tags, and what it read.
CREATE TABLE module_insights (
    module_id     TEXT PRIMARY KEY REFERENCES modules (id) ON DELETE CASCADE,
    model         TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    -- Model, tagger version and taxonomy texts the result depends on.
    fingerprint   TEXT NOT NULL,
    keyphrases    TEXT NOT NULL,
    level         TEXT CHECK (level IN ('beginner', 'intermediate', 'advanced')),
    level_score   REAL NOT NULL,
    level_signals TEXT NOT NULL,
    notes         TEXT NOT NULL
);

-- Self-loops are storable on purpose: imported data loads as it is and the linter flags
-- it; the engine refuses to create one.
CREATE TABLE prerequisites (
    before_id TEXT NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
    after_id  TEXT NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
    grp       TEXT NOT NULL DEFAULT '{"kind":"all_of"}',
    origin    TEXT NOT NULL CHECK (origin IN ('manifest', 'person')),
    PRIMARY KEY (before_id, after_id)
);
CREATE INDEX prerequisites_after ON prerequisites (after_id);

CREATE TABLE tracks (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    targets     TEXT NOT NULL,
    -- The library whose manifest declares it (re-imports replace it); NULL if made in the app.
    library_id  TEXT REFERENCES libraries (id) ON DELETE SET NULL
);

-- Adaptive rules (pathforge.rules/v1), one JSON object each.
CREATE TABLE rules (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    -- The library whose manifest declares it (re-imports replace it); NULL if made in the app.
    library_id TEXT REFERENCES libraries (id) ON DELETE SET NULL
);

CREATE TABLE audit_events (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    at     INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    before TEXT NOT NULL,
    after  TEXT NOT NULL,
    -- sha256 (hex) over the previous entry's hash and this entry's fields, exactly as
    -- stored: a hash chain, so an edited or removed entry is detectable (`audit verify`).
    hash   TEXT NOT NULL
);

CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
