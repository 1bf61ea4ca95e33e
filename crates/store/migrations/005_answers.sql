-- Learners' answers imported for calibration, by pseudonym only: the learner's own id
-- never reaches the project (see engine::calibrate). One row per answer; `seq` orders a
-- learner's answers on a skill; importing the same log twice adds nothing.
CREATE TABLE answers (
    learner  TEXT NOT NULL,
    skill_id TEXT NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    correct  INTEGER NOT NULL CHECK (correct IN (0, 1)),
    PRIMARY KEY (skill_id, learner, seq)
) WITHOUT ROWID;
