-- 005: each readable document's history (server/history/): keyframes and the steps between them,
-- kept apart from the live update log so compaction never touches them.
CREATE TABLE history_steps (
  id bigserial PRIMARY KEY,
  board_id text NOT NULL,
  doc text NOT NULL,
  at bigint NOT NULL,
  keyframe boolean NOT NULL,
  data bytea NOT NULL,
  state_vector bytea NOT NULL,
  notes text NOT NULL,
  bytes_since_keyframe bigint NOT NULL,
  checksum bigint NOT NULL
);
CREATE INDEX history_steps_by_doc ON history_steps (doc, id);
CREATE INDEX history_steps_by_board ON history_steps (board_id, at);
