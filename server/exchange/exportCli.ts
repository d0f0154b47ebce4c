/**
 * `npm run export -- <boardId> --format md|json|csv [--out <file>]`: a board's export from the
 * command line, on the data directory (DATA_DIR) or the database (DATABASE_URL) the server is
 * configured with, whether the server runs or not. It only reads: with SQLite it exports from a
 * consistent copy of the database taken as the backup takes one (a reader's connection, no lock),
 * with PostgreSQL it reads the board's rows. The output is what GET /api/boards/:id/export gives
 * an observer, from what is stored (a running server stores every change before relaying it).
 *
 * @example
 *   DATA_DIR=/data npm run export -- 3q2-7Zk1b0hXWk8S0mJ1xA --format md --out synthesis.md
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import * as Y from 'yjs'
import { EXPORT_FORMATS, ExportQuery } from '../../shared/api/exchange'
import { isValidBoardId } from '../../shared/board/boardId'
import { MEMBERS_MAP, REACTIONS_MAP, THREADS_MAP, TOURS_MAP } from '../../shared/board/docLayout'
import { canvasDocName, controlDocName, conversationDocName, peopleDocName } from '../../shared/board/docNames'
import { readBoardFile, type BoardDocs } from '../../shared/exchange/boardReader'
import { backupDatabase, DatabaseToolError } from '../../scripts/database'
import { mergeSharedMap } from '../boards/layoutMigration'
import { readConfig } from '../config'
import { PostgresStorage } from '../storage/postgresStorage'
import { SqliteStorage } from '../storage/sqliteStorage'
import type { Storage } from '../storage/storage'
import { renderExport } from './exchangeApi'

const USAGE = `usage: npm run export -- <boardId> --format ${EXPORT_FORMATS.join('|')} [--out <file>]   (DATA_DIR or DATABASE_URL say where the boards are)`

class ExportRefused extends Error {}

async function loadDoc(storage: Storage, docName: string): Promise<Y.Doc> {
  const stored = await storage.loadDocument(docName)
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const update of stored.updates) Y.applyUpdate(doc, update)
  return doc
}

/** The board's documents as stored, with an old board's canvas-held maps moved where they live now. */
export async function readStoredBoard(storage: Storage, boardId: string): Promise<BoardDocs> {
  const docs = {
    canvas: await loadDoc(storage, canvasDocName(boardId)),
    control: await loadDoc(storage, controlDocName(boardId)),
    conversation: await loadDoc(storage, conversationDocName(boardId)),
    people: await loadDoc(storage, peopleDocName(boardId)),
  }
  for (const map of [THREADS_MAP, REACTIONS_MAP, TOURS_MAP]) mergeSharedMap(docs.conversation.getMap(map), docs.canvas.getMap(map))
  mergeSharedMap(docs.people.getMap(MEMBERS_MAP), docs.canvas.getMap(MEMBERS_MAP))
  return docs
}

/** Opens the configured store for reading; `close` lets go of it (and of the SQLite copy). */
async function openForReading(): Promise<{ storage: Storage; close: () => Promise<void> }> {
  const config = readConfig()
  if (config.databaseUrl) {
    const storage = await PostgresStorage.open(config.databaseUrl)
    return { storage, close: () => storage.close() }
  }
  const copyDir = mkdtempSync(join(tmpdir(), 'think-together-export-'))
  try {
    const { file } = backupDatabase(config.dataDir, join(copyDir, 'board.sqlite'))
    const storage = new SqliteStorage(file)
    return {
      storage,
      close: async () => {
        await storage.close()
        rmSync(copyDir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    rmSync(copyDir, { recursive: true, force: true })
    throw error
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'md' }, out: { type: 'string' } },
  })
  const [boardId] = positionals
  const query = ExportQuery.safeParse({ format: values.format })
  if (positionals.length !== 1 || !query.success) throw new ExportRefused(USAGE)
  if (!isValidBoardId(boardId)) throw new ExportRefused(`${boardId} is not a board id (22 letters, digits, - and _, as in the board's link /b/<id>)`)
  const { storage, close } = await openForReading()
  try {
    if (!(await storage.getBoard(boardId))) throw new ExportRefused(`there is no board ${boardId} in this database`)
    const file = readBoardFile(await readStoredBoard(storage, boardId), Date.now())
    const exported = await renderExport(file, query.data.format)
    if (values.out) {
      writeFileSync(resolve(values.out), exported.body)
      console.error(`exported ${boardId} as ${query.data.format} to ${resolve(values.out)} (${Buffer.byteLength(exported.body)} bytes)`)
    } else process.stdout.write(exported.body)
  } finally {
    await close()
  }
}

if (process.argv[1] && /exportCli\.(ts|js)$|export\.js$/.test(process.argv[1])) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof ExportRefused || error instanceof DatabaseToolError) {
      console.error(`export refused: ${error.message}`)
      process.exit(error instanceof ExportRefused && error.message === USAGE ? 2 : 1)
    }
    console.error(`export failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
