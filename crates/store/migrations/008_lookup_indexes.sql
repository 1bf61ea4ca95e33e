-- Indexes for lookups each primary key leaves unindexed. Without them,
-- re-importing a library that declares 100,000 skills cleared each skill's manifest
-- prerequisites with a scan of the whole table (hours), and removing or merging one
-- skill scanned every tag and every child for its foreign keys.
CREATE INDEX skill_prerequisites_after ON skill_prerequisites (after_id);
CREATE INDEX skills_parent ON skills (parent_id);
CREATE INDEX tags_skill ON tags (skill_id);
CREATE INDEX skill_aliases_skill ON skill_aliases (skill_id);
-- Which modules are live, without reading their rows (a module's row holds its text):
-- the prerequisite edges between live modules are read through it, 0.72 → 0.55 s for
-- `graph check` on 50,000 modules.
CREATE INDEX modules_live ON modules (id, retired);
-- The edges themselves, read whole from one index in the order the curriculum wants
-- (by module after, then before): no table lookups, no sort (0.53 → 0.38 s).
DROP INDEX prerequisites_after;
CREATE INDEX prerequisites_after ON prerequisites (after_id, before_id, grp, origin);
-- Modules in library and file order, for the summaries every list and check starts from.
CREATE INDEX modules_order ON modules (library_id, position);
