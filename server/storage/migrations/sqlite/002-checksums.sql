-- 002: stored documents that check out on load (see server/storage/rowChecksum.ts).
-- Each update names the update it follows in its document (prev_seq, 0 for the first), so a
-- missing row, or a missing snapshot the log builds on, is noticed. Each update and snapshot
-- carries a checksum over its identity and bytes. `documents` lists every document ever stored,
-- so a document whose rows are all gone is not mistaken for a new, empty one.
-- tt_update_checksum and tt_snapshot_checksum are provided by the backend's code.
ALTER TABLE document_updates ADD COLUMN prev_seq INTEGER;
ALTER TABLE document_updates ADD COLUMN checksum INTEGER;
ALTER TABLE document_snapshots ADD COLUMN checksum INTEGER;
CREATE TABLE documents (
  doc TEXT PRIMARY KEY
);
INSERT INTO documents (doc) SELECT doc FROM document_updates UNION SELECT doc FROM document_snapshots;
UPDATE document_updates SET prev_seq = COALESCE(
  (SELECT MAX(earlier.seq) FROM document_updates AS earlier
    WHERE earlier.doc = document_updates.doc AND earlier.seq < document_updates.seq),
  (SELECT snapshot.through_seq FROM document_snapshots AS snapshot
    WHERE snapshot.doc = document_updates.doc AND snapshot.through_seq < document_updates.seq),
  0
);
UPDATE document_updates SET checksum = tt_update_checksum(doc, seq, prev_seq, data);
UPDATE document_snapshots SET checksum = tt_snapshot_checksum(doc, through_seq, data);
