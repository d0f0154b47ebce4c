/**
 * The setting of a browser test file: the real server serving the built app, Chromium, and one
 * board, started before the file's tests (when Chromium is available) and closed after them with
 * every browser context the tests opened.
 *
 * @example
 *   const available = browserAvailable()
 *   const suite = useBrowserBoard(available, 'Title', 'Problem')
 *   const context = await suite.browser.newContext(); suite.contexts.push(context)
 */
import { afterAll, beforeAll } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { launchBrowser } from './browser'
import { removeDataDir, startServerProcess, type ServerProcess } from './serverProcess'
import { createBoard, type CreatedBoard } from './boardClient'

export interface BrowserBoard {
  readonly server: ServerProcess
  readonly browser: Browser
  readonly board: CreatedBoard
  /** Contexts to close after the file. */
  readonly contexts: BrowserContext[]
}

export function useBrowserBoard(available: boolean, title: string, problem: string): BrowserBoard {
  let server: ServerProcess | undefined
  let browser: Browser | undefined
  let board: CreatedBoard | undefined
  const contexts: BrowserContext[] = []
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} starts in beforeAll`)
    return value
  }
  beforeAll(async () => {
    if (!available) return
    server = await startServerProcess({ serveClient: true })
    browser = await launchBrowser()
    board = await createBoard(server.url, title, problem)
  })
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    await browser?.close()
    if (!server) return
    await server.stop()
    removeDataDir(server.dataDir)
  })
  return {
    get server() {
      return started(server, 'the server')
    },
    get browser() {
      return started(browser, 'the browser')
    },
    get board() {
      return started(board, 'the board')
    },
    contexts,
  }
}
