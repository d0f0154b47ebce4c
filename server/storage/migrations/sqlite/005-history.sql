-- 005: each readable document's history (server/history/): keyframes and the steps between them,
-- kept apart from the live update log so compaction never touches them.
CREATE TABLE history_steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  board_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  at INTEGER NOT NULL,
  keyframe INTEGER NOT NULL,
  data BLOB NOT NULL,
  state_vector BLOB NOT NULL,
  notes TEXT NOT NULL,
  bytes_since_keyframe INTEGER NOT NULL,
  checksum INTEGER NOT NULL
);
CREATE INDEX history_steps_by_doc ON history_steps (doc, id);
CREATE INDEX history_steps_by_board ON history_steps (board_id, at);
