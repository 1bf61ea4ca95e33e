-- A suggestion a person edited: rejected in favour of another skill (its id here), which
-- the same decision added as the person's own accepted tag. No foreign key, so merging or
-- removing that skill later never fails on it (the slug then reads as unknown).
ALTER TABLE tags ADD COLUMN replaced_by TEXT;
