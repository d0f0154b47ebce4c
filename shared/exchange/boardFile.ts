/**
 * The board file: the versioned JSON format a board is exported in and imported from
 * (`think-together.board`, version 1). It holds what everyone on a board can see — the canvas
 * (tldraw records, their schema, the contribution cards), the control document's title, problem
 * and session plan, the conversation (threads, replies, reactions, tours), the published vote
 * rounds and the members — and never private drafts, ballots or claim keys. An anonymous card
 * carries no author. Server and client parse a file with these schemas; the server checks the
 * tldraw records further against tldraw's own schema (server/exchange/boardFileCheck.ts).
 *
 * @example
 *   const parsed = BoardFile.safeParse(JSON.parse(text))
 *   if (parsed.success) console.log(parsed.data.canvas.cards.length)
 */
import { z } from 'zod'
import { MAX_PROBLEM_LENGTH, MAX_TITLE_LENGTH } from '../board/docLayout'
import { MEMBER_ACTIONS } from '../board/facilitation'
import { CONTRIBUTION_KINDS, MAX_CARD_TEXT_LENGTH, MAX_PRACTICE_LENGTH, MAX_REPLY_TEXT_LENGTH, REACTIONS } from '../board/vocabulary'

export const BOARD_FILE_FORMAT = 'think-together.board'
export const BOARD_FILE_VERSION = 1

/** Limits on what one import may hold; past them the server answers 413. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024
export const MAX_IMPORT_CARDS = 10_000
export const MAX_IMPORT_RECORDS = 50_000
export const MAX_IMPORT_REPLIES = 50_000
/** Lines of a plain-text or CSV import (one card each, a CSV's header line aside). */
export const MAX_IMPORT_LINES = 2_000

const id = z.string().min(1).max(200)
const time = z.number().finite().nonnegative()
const shortText = (max: number) => z.string().max(max)

export const FilePerson = z.object({ id, name: shortText(200), color: shortText(64) })
export type FilePerson = z.infer<typeof FilePerson>

export const FileCard = z
  .object({
    id: z.string().regex(/^card:[0-9a-f]{24}$/, 'a card id is "card:" and 24 hex digits'),
    kind: z.enum(CONTRIBUTION_KINDS),
    text: shortText(MAX_CARD_TEXT_LENGTH),
    author: FilePerson.nullable(),
    anonymous: z.boolean(),
    createdAt: time,
    updatedAt: time,
    lastEditor: FilePerson.nullable(),
  })
  .refine((card) => !card.anonymous || card.author === null, { message: 'an anonymous card has no author', path: ['author'] })
export type FileCard = z.infer<typeof FileCard>

/** A tldraw record as stored in `tldraw:records`; tldraw's schema checks the rest on import. */
export const FileRecord = z.looseObject({ id: z.string().min(1).max(200), typeName: z.string().min(1).max(64) })
export type FileRecord = z.infer<typeof FileRecord>

export const FileReply = z.object({
  id,
  author: FilePerson,
  text: shortText(MAX_REPLY_TEXT_LENGTH),
  createdAt: time,
  editedAt: time.nullable(),
  deleted: z.boolean(),
})
export type FileReply = z.infer<typeof FileReply>

export const FileThread = z.object({
  anchorId: id,
  status: z.enum(['open', 'resolved']),
  statusBy: FilePerson.nullable(),
  statusAt: time,
  replies: z.array(FileReply),
})
export type FileThread = z.infer<typeof FileThread>

export const FileReaction = z.object({ cardId: id, reaction: z.enum(REACTIONS), by: FilePerson, at: time })
export type FileReaction = z.infer<typeof FileReaction>

export const FileTourStop = z.object({
  id,
  note: shortText(1000),
  x: z.number().finite(),
  y: z.number().finite(),
  w: z.number().finite().positive(),
  h: z.number().finite().positive(),
  pageId: id,
  shapeIds: z.array(id).max(50),
})
export const FileTour = z.object({
  id,
  title: shortText(120),
  author: FilePerson.nullable(),
  createdAt: time,
  published: z.boolean(),
  stops: z.array(FileTourStop).max(50),
})
export type FileTour = z.infer<typeof FileTour>

export const FilePhase = z.object({
  id,
  name: shortText(200),
  instructions: shortText(2000),
  durationMs: z.number().finite().nonnegative(),
  memberActions: z.array(z.enum(MEMBER_ACTIONS)).optional(),
})

export const FileVoteResult = z.object({
  cardId: id,
  dots: z.number().int().nonnegative(),
  voters: z.array(FilePerson.extend({ dots: z.number().int().nonnegative() })).optional(),
})

/** A published round: open rounds carry their question only, never ballots or counts. */
export const FileVoteRound = z.object({
  roundId: id,
  number: z.number().int().positive(),
  title: shortText(200),
  cardIds: z.array(id).max(500),
  budget: z.number().int().positive().max(50),
  anonymous: z.boolean(),
  status: z.enum(['open', 'closed']),
  openedAt: time,
  closedAt: time.nullable(),
  results: z.array(FileVoteResult).nullable(),
  voterCount: z.number().int().nonnegative().nullable(),
})
export type FileVoteRound = z.infer<typeof FileVoteRound>

export const FileMember = FilePerson.extend({ practice: shortText(MAX_PRACTICE_LENGTH), firstSeenAt: time, lastSeenAt: time })
export type FileMember = z.infer<typeof FileMember>

export const BoardFile = z.object({
  format: z.literal(BOARD_FILE_FORMAT),
  version: z.literal(BOARD_FILE_VERSION),
  exportedAt: time,
  board: z.object({ title: z.string().min(1).max(MAX_TITLE_LENGTH), problem: z.string().min(1).max(MAX_PROBLEM_LENGTH) }),
  canvas: z.object({
    /** tldraw's serialized schema the records were written with (they are migrated on import). */
    schema: z.unknown(),
    records: z.array(FileRecord).max(MAX_IMPORT_RECORDS),
    cards: z.array(FileCard).max(MAX_IMPORT_CARDS),
  }),
  session: z.object({
    phases: z.array(FilePhase).max(50),
    currentPhaseId: id.nullable(),
    locked: z.boolean(),
  }),
  conversation: z.object({
    threads: z.array(FileThread),
    reactions: z.array(FileReaction),
    tours: z.array(FileTour).max(500),
  }),
  rounds: z.array(FileVoteRound).max(500),
  members: z.array(FileMember).max(10_000),
})
export type BoardFile = z.infer<typeof BoardFile>

/** The head of a file, read before the whole: a file of another format or version is refused by name. */
export const BoardFileHead = z.object({ format: z.unknown(), version: z.unknown() })
