-- 002: stored documents that check out on load (see server/storage/rowChecksum.ts), as in
-- SQLite's 002: each update names the update it follows in its document (prev_seq, 0 for the
-- first), each update and snapshot carries a checksum, and `documents` lists every document ever
-- stored. Here `documents` also holds each document's head, the last sequence number it was given
-- (last_seq): writers lock that row (an upsert on it takes the row lock) before they chain their
-- updates, so several servers writing one document cannot fork its chain. The checksums of rows already stored are
-- computed by the backend's code right after this file (postgresSchema.ts): PostgreSQL has no
-- CRC-32.
ALTER TABLE document_updates ADD COLUMN prev_seq bigint;
ALTER TABLE document_updates ADD COLUMN checksum bigint;
ALTER TABLE document_snapshots ADD COLUMN checksum bigint;
CREATE TABLE documents (
  doc text PRIMARY KEY,
  last_seq bigint NOT NULL DEFAULT 0
);
INSERT INTO documents (doc, last_seq)
  SELECT doc, MAX(seq) FROM (
    SELECT doc, seq FROM document_updates
    UNION ALL SELECT doc, through_seq FROM document_snapshots
  ) AS stored GROUP BY doc;
UPDATE document_updates SET prev_seq = chained.prev_seq
  FROM (
    SELECT update_row.seq, COALESCE(
      LAG(update_row.seq) OVER (PARTITION BY update_row.doc ORDER BY update_row.seq),
      (SELECT snapshot.through_seq FROM document_snapshots AS snapshot
        WHERE snapshot.doc = update_row.doc AND snapshot.through_seq < update_row.seq),
      0
    ) AS prev_seq
    FROM document_updates AS update_row
  ) AS chained
  WHERE document_updates.seq = chained.seq;
