-- A suggestion the project's auto-accept threshold accepted, not a person: counted apart
-- in the calibration view, and cleared when a person decides the tag.
ALTER TABLE tags ADD COLUMN auto_accepted INTEGER NOT NULL DEFAULT 0;
