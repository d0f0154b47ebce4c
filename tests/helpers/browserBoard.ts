/**
 * The setting of a browser test file: the real server serving the built app, Chromium, and one
 * board, started before the file's tests (when Chromium is available) and closed after them with
 * every browser context the tests opened. Contexts opened with `newContext` are watched: a test
 * fails when one of its pages throws or logs a console error it did not expect (`watch.allow`).
 *
 * @example
 *   const available = browserAvailable()
 *   const suite = useBrowserBoard(available, 'Title', 'Problem')
 *   const context = await suite.newContext('ada')
 *   suite.watch.allow(/status of 409/) // this test expects one refused request
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core'
import { launchBrowser, PageWatch } from './browser'
import { removeDataDir, startServerProcess, type ServerProcess } from './serverProcess'
import { createBoard, type CreatedBoard } from './boardClient'

export interface BrowserBoard {
  readonly server: ServerProcess
  readonly browser: Browser
  readonly board: CreatedBoard
  /** Contexts to close after the file. */
  readonly contexts: BrowserContext[]
  /** The console of every watched page, and the errors tests expect. */
  readonly watch: PageWatch
  /** A 1280×800 context (unless `options` say otherwise), closed after the file and watched. */
  newContext(label: string, options?: BrowserContextOptions): Promise<BrowserContext>
}

export function useBrowserBoard(available: boolean, title: string, problem: string, options: { env?: Record<string, string> } = {}): BrowserBoard {
  let server: ServerProcess | undefined
  let browser: Browser | undefined
  let board: CreatedBoard | undefined
  const contexts: BrowserContext[] = []
  const watch = new PageWatch()
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} starts in beforeAll`)
    return value
  }
  beforeAll(async () => {
    if (!available) return
    server = await startServerProcess({ serveClient: true, env: options.env })
    browser = await launchBrowser()
    board = await createBoard(server.url, title, problem)
  })
  afterEach(() => {
    expect(watch.takeProblems(), 'page errors and console errors').toEqual([])
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
    watch,
    async newContext(label, options = {}) {
      const context = await started(browser, 'the browser').newContext({ viewport: { width: 1280, height: 800 }, ...options })
      contexts.push(context)
      watch.watch(context, label)
      return context
    },
  }
}
