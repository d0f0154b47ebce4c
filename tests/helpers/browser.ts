/**
 * Browser tests drive Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) with
 * playwright-core. Without Chromium, browser tests are skipped with a plain message outside CI,
 * and fail under CI=true: CI must run them. Every page a test opens is watched (PageWatch): an
 * uncaught error or a console error fails the test, unless the test said it expects that error.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { spawnSync } from 'node:child_process'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ROOT = resolve(import.meta.dirname, '..', '..')
const INSTALL_HINT = 'sudo apt-get install -y chromium'

/** Whether browser tests can run here; throws under CI when they cannot. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`Chromium is required for the browser tests under CI but ${CHROMIUM_PATH} is missing (${INSTALL_HINT}).`)
  }
  process.stderr.write(`\n[think-together] Browser tests SKIPPED: Chromium not found at ${CHROMIUM_PATH}. Install it with: ${INSTALL_HINT}\n\n`)
  return false
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** Builds the client (as `npm start` would) when there is no build or the sources are newer. */
export function ensureClientBuild(): void {
  const index = join(ROOT, 'dist', 'client', 'index.html')
  const sourcesChanged = () =>
    Math.max(newestMtime(join(ROOT, 'client')), newestMtime(join(ROOT, 'shared')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs) > statSync(index).mtimeMs
  if (existsSync(index) && !sourcesChanged()) return
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    // Vitest sets NODE_ENV=test, which Vite would keep: React's and zod's development builds,
    // 60 KiB more and slower. The app's users get the production build; so do the tests.
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (result.status !== 0) throw new Error(`client build failed:\n${result.stdout}\n${result.stderr}`)
}

export interface ConsoleEntry {
  /** The label of the context the page belongs to. */
  readonly label: string
  readonly type: string
  readonly text: string
}

/**
 * Watches the pages of browser contexts: keeps every console message (so a test can check what
 * was printed), and collects page errors and console errors as problems, except those a test
 * declared it expects (`allow`). `takeProblems` returns them and forgets the allowances, so each
 * test starts clean.
 */
export class PageWatch {
  readonly messages: ConsoleEntry[] = []
  private problems: string[] = []
  private allowed: RegExp[] = []

  watch(context: BrowserContext, label: string): void {
    const watchPage = (page: Page) => {
      page.on('pageerror', (error) => this.problems.push(`${label}: uncaught ${error.message}`))
      page.on('console', (message) => {
        const entry = { label, type: message.type(), text: message.text() }
        this.messages.push(entry)
        if (entry.type === 'error' && !this.allowed.some((pattern) => pattern.test(entry.text))) {
          this.problems.push(`${label}: console error ${entry.text}`)
        }
      })
    }
    for (const page of context.pages()) watchPage(page)
    context.on('page', watchPage)
  }

  /** A console error matching `pattern` is expected in the current test (e.g. a refused request). */
  allow(pattern: RegExp): void {
    this.allowed.push(pattern)
  }

  takeProblems(): string[] {
    const problems = this.problems
    this.problems = []
    this.allowed = []
    return problems
  }
}
