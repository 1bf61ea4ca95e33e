-- What a module's imported content hashes to (store::module_hash): a re-import rewrites
-- only the modules whose hash changed. Rows from version 1 are hashed by the migration's
-- hook.
ALTER TABLE modules ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
