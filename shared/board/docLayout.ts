/**
 * Where things live inside a board's Yjs document. Both the server (which seeds a new board) and
 * the client (which binds the tldraw store) read these names from here, so they never drift.
 *
 * - `board` (Y.Map): `title` and `problem`, each a Y.Text so concurrent edits merge.
 * - `tldraw:records` (Y.Map): every document-scope tldraw record, keyed by record id, stored as a
 *   plain JSON object.
 * - `tldraw:meta` (Y.Map): `schema`, the serialized tldraw schema the records were written with,
 *   so a newer client can migrate them on load.
 */
export const BOARD_MAP = 'board'
export const BOARD_TITLE_KEY = 'title'
export const BOARD_PROBLEM_KEY = 'problem'
export const TLDRAW_RECORDS_MAP = 'tldraw:records'
export const TLDRAW_META_MAP = 'tldraw:meta'
export const TLDRAW_SCHEMA_KEY = 'schema'

/** Limits on what a board's title and problem statement may hold. */
export const MAX_TITLE_LENGTH = 200
export const MAX_PROBLEM_LENGTH = 5000
