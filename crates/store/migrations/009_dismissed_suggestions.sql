-- Prerequisite suggestions a person dismissed (`before → after` as it was suggested): the
-- suggester leaves the pair out either way round, in every session and on every copy a
-- merge reaches. No foreign keys, as with levels: the decision outlives a module leaving
-- a library and applies again if it comes back.
CREATE TABLE dismissed_suggestions (
    before_id TEXT NOT NULL,
    after_id  TEXT NOT NULL,
    PRIMARY KEY (before_id, after_id)
) WITHOUT ROWID;
