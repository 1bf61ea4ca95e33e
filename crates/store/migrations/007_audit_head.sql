-- The audit log's head — how many entries it holds and the last one's hash — kept beside
-- the log and signed with the writing machine's ed25519 key. Without it, deleting the
-- newest entries (or rewriting them and every hash after) left a chain that verified;
-- against the head such a cut or rewrite shows, and a new entry never takes the number
-- of one that was removed. `signer` and `signature` are empty until a writer with a
-- signing key signs the head (at the first change after this migration).
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    seq       INTEGER NOT NULL,
    hash      TEXT NOT NULL,
    signer    TEXT,
    signature TEXT
);

INSERT INTO audit_head (id, seq, hash)
SELECT 1,
       COALESCE(MAX(seq), 0),
       COALESCE((SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1),
                '0000000000000000000000000000000000000000000000000000000000000000')
FROM audit_events;
