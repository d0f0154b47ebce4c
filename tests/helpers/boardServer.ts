/**
 * One real server process with one board for a test file: started before the file's tests,
 * stopped after them together with every client the tests opened through `client`.
 *
 * @example
 *   const suite = useBoardServer()
 *   test('…', async () => {
 *     const member = suite.client(suite.board.id, suite.board.tokens.member)
 *   })
 */
import { afterAll, beforeAll } from 'vitest'
import type * as Y from 'yjs'
import { removeDataDir, startServerProcess, type ServerProcess } from './serverProcess'
import { connectClient, createBoard, type CreatedBoard, type TestClient } from './boardClient'

export interface BoardServer {
  readonly server: ServerProcess
  readonly board: CreatedBoard
  /** A stock y-websocket client on one of the board's documents, closed after the file. */
  client(docName: string, token: string | null, doc?: Y.Doc): TestClient
}

export function useBoardServer(options: { env?: Record<string, string> } = {}): BoardServer {
  let server: ServerProcess | undefined
  let board: CreatedBoard | undefined
  const clients: TestClient[] = []
  beforeAll(async () => {
    server = await startServerProcess(options)
    board = await createBoard(server.url)
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    if (!server) return
    await server.stop()
    removeDataDir(server.dataDir)
  })
  return {
    get server() {
      if (!server) throw new Error('the server starts in beforeAll')
      return server
    },
    get board() {
      if (!board) throw new Error('the board is created in beforeAll')
      return board
    },
    client(docName, token, doc) {
      const created = connectClient(this.server.wsUrl, docName, token, doc)
      clients.push(created)
      return created
    },
  }
}
