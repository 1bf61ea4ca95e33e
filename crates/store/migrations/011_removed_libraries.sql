-- When a library was removed from the project (NULL: it is in the project). Its modules
-- are retired, not deleted, so importing it again brings them back with their tags,
-- reviews and prerequisites; until then it is neither watched nor listed as live.
ALTER TABLE libraries ADD COLUMN removed_at INTEGER;
