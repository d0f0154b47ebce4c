/**
 * Browser tests drive Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) with
 * playwright-core. Without Chromium, browser tests are skipped with a plain message outside CI,
 * and fail under CI=true: CI must run them.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { spawnSync } from 'node:child_process'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ROOT = resolve(import.meta.dirname, '..', '..')
const INSTALL_HINT = 'sudo apt-get install -y chromium'

/** Whether browser tests can run here; throws under CI when they cannot. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`Chromium is required for the browser tests under CI but ${CHROMIUM_PATH} is missing (${INSTALL_HINT}).`)
  }
  process.stderr.write(
    `\n[think-together] Browser tests SKIPPED: Chromium not found at ${CHROMIUM_PATH}. Install it with: ${INSTALL_HINT}\n\n`,
  )
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
    Math.max(newestMtime(join(ROOT, 'client')), newestMtime(join(ROOT, 'shared')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs) >
    statSync(index).mtimeMs
  if (existsSync(index) && !sourcesChanged()) return
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`client build failed:\n${result.stdout}\n${result.stderr}`)
}
