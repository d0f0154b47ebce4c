/**
 * Backup figures: fills a database through the storage layer with 100 boards of 500 cards each
 * (each card a tldraw shape record and a card in the data model, stored as one update per card,
 * as the relay stores them, then compacted into a snapshot as the relay does after 500 updates),
 * holds the data directory's lock and the storage connection open as a running server would,
 * and times `npm run backup`'s backup (scripts/database.ts) of it.
 *
 *   npx tsx tests/bench/backup-figures.ts          # BENCH_BOARDS, BENCH_CARDS, BENCH_BACKUPS to change
 */
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { getIndices } from '@tldraw/utils'
import { createCard, newCardId, type Person } from '../../shared/board/boardModel'
import { CONTRIBUTION_DEFAULT_SIZE, contributionShapeRecord } from '../../shared/board/contributionShape'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { controlDocName } from '../../shared/board/docNames'
import { CONTRIBUTION_KINDS } from '../../shared/board/vocabulary'
import { encodeBoardSeed } from '../../server/boards/boardSeed'
import { SqliteStorage } from '../../server/storage/sqliteStorage'
import { DATABASE_FILE, checkDatabasePresent, lockDataDirectory } from '../../server/storage/dataDirectory'
import { backupDatabase } from '../../scripts/database'
import { makeDataDir, removeDataDir } from '../helpers/serverProcess'

const BOARDS = Number(process.env.BENCH_BOARDS ?? 100)
const CARDS = Number(process.env.BENCH_CARDS ?? 500)
const BACKUPS = Number(process.env.BENCH_BACKUPS ?? 3)
const PEOPLE: Person[] = ['Ada', 'Bea', 'Chen', 'Dara', 'Emil', 'Femi'].map((name, i) => ({ id: `bench-person-${i}`, name, color: '#1971c2' }))

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const fileSize = (file: string) => {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

async function fillBoard(storage: SqliteStorage, index: number): Promise<void> {
  const id = randomBytes(16).toString('base64url')
  const title = `Board ${index}: how do we hand over patients safely?`
  const problem = 'Handovers between shifts lose information; what do we each see, and what could we try?'
  await storage.createBoard({ id, title, problem, createdAt: Date.now() }, [{ docName: controlDocName(id), update: encodeBoardSeed(title, problem) }])
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const records = doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
  const indices = getIndices(CARDS + 1).slice(1)
  const { w, h } = CONTRIBUTION_DEFAULT_SIZE
  const now = Date.now()
  for (let i = 0; i < CARDS; i++) {
    const cardId = newCardId()
    const author = PEOPLE[i % PEOPLE.length]
    doc.transact(() => {
      createCard(doc, {
        id: cardId,
        kind: CONTRIBUTION_KINDS[i % CONTRIBUTION_KINDS.length],
        text: `Card ${i}: how ${author.name} sees part of the problem, from practice on the ward.`,
        author,
        anonymous: false,
        now,
      })
      records.set(
        `shape:card-${i}`,
        contributionShapeRecord({
          id: `shape:card-${i}`,
          parentId: 'page:page',
          index: indices[i],
          x: (i % 25) * 260,
          y: Math.floor(i / 25) * 180,
          w,
          h,
          cardId,
        }),
      )
    })
  }
  const lastSeq = await storage.appendUpdates(id, updates)
  await storage.compactDocument(id, Y.encodeStateAsUpdate(doc), lastSeq)
  doc.destroy()
}

async function main(): Promise<void> {
  const dataDir = makeDataDir()
  const backupDir = makeDataDir()
  // As a running server: the directory's lock held, the storage connection open.
  const lock = lockDataDirectory(dataDir)
  const { file } = checkDatabasePresent(dataDir, lock, { startFresh: false })
  const storage = new SqliteStorage(file)
  try {
    const filling = performance.now()
    for (let board = 0; board < BOARDS; board++) await fillBoard(storage, board)
    const fillMs = performance.now() - filling
    const databaseBytes = fileSize(join(dataDir, DATABASE_FILE)) + fileSize(join(dataDir, `${DATABASE_FILE}-wal`))
    const results = []
    for (let i = 0; i < BACKUPS; i++) results.push(backupDatabase(dataDir, join(backupDir, `backup-${i}.sqlite`)))
    const times = results.map((result) => result.ms).sort((a, b) => a - b)
    console.table([
      { figure: 'boards × cards', value: `${BOARDS} × ${CARDS}` },
      { figure: 'filling through the storage layer', value: `${(fillMs / 1000).toFixed(1)} s` },
      { figure: 'database (file + WAL)', value: megabytes(databaseBytes) },
      { figure: `backup time, median of ${BACKUPS}`, value: `${times[Math.floor(times.length / 2)].toFixed(0)} ms` },
      { figure: 'backup time, slowest', value: `${times.at(-1)!.toFixed(0)} ms` },
      { figure: 'backup size', value: `${megabytes(results[0].bytes)} (${results[0].bytes} bytes)` },
    ])
  } finally {
    await storage.close()
    lock.release()
    removeDataDir(dataDir)
    removeDataDir(backupDir)
  }
}

await main()
