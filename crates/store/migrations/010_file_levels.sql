-- The level a module's file gives, kept beside a level a person set, so that clearing
-- theirs gives the file's back at once (before, only the next import did). 'none': the
-- file gives no level; NULL: not known (a level set before this column), which the next
-- import fills in.
ALTER TABLE module_levels ADD COLUMN file_level TEXT;
