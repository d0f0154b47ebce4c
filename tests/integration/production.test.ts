/**
 * The production image, built and run the way the Dockerfile does it, without a container (no
 * Docker daemon runs here): a clean copy of the checkout's files (what `COPY . .` sees: tracked
 * and new files, nothing ignored), `npm ci`, `npm run build`; then a runtime folder holding only
 * package.json, package-lock.json and dist/, `npm ci --omit=dev`, and `node dist/server/main.js`
 * as an unprivileged user (nobody, when the test runs as root) with a fresh DATA_DIR. The server must become healthy and ready, create
 * a board, serve the page compressed, and sync a document between two stock y-websocket clients
 * (which exercises the update screen's worker and the migrations found beside the bundle).
 *
 * Slow by nature (two npm installs): one test, a generous timeout. npm uses the local cache
 * (--prefer-offline). better-sqlite3 has no way to download its prebuilt binary here, so
 * prebuild-install is handed the one this checkout built, as the same tarball it would download
 * (npm_config_better_sqlite3_local_prebuilds); in the image it downloads it.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createServer } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { connectClient, createBoard, waitFor, waitForSync } from '../helpers/boardClient'
import { PRODUCTION_STEPS, TEST_ONLY_NPM_FLAGS } from './production.steps'

const ROOT = resolve(import.meta.dirname, '..', '..')
const STEP_TIMEOUT_MS = 240_000

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolvePromise(port))
    })
  })
}

/** Runs one of PRODUCTION_STEPS in `cwd`; npm commands get the test-only flags. */
function runStep(command: string, cwd: string, env: NodeJS.ProcessEnv): void {
  const [program, ...args] = command.split(' ')
  const fullArgs = program === 'npm' && args[0] === 'ci' ? [...args, ...TEST_ONLY_NPM_FLAGS] : args
  const started = performance.now()
  const result = spawnSync(program, fullArgs, { cwd, env, encoding: 'utf8', timeout: STEP_TIMEOUT_MS })
  if (result.status !== 0) {
    throw new Error(`${command} in ${cwd} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`)
  }
  console.log(`[production] ${[program, ...fullArgs].join(' ')}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

/** The checkout's files as `COPY . .` with .dockerignore sees them: tracked and new, not ignored. */
function copyCheckout(target: string): number {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT })
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
  let copied = 0
  for (const file of listed) {
    const source = join(ROOT, file)
    if (!existsSync(source) || !statSync(source).isFile()) continue
    mkdirSync(dirname(join(target, file)), { recursive: true })
    copyFileSync(source, join(target, file))
    copied++
  }
  return copied
}

/** better-sqlite3's binary as the tarball prebuild-install looks for, in a folder of its own. */
function localPrebuilds(work: string): string {
  const dir = join(work, 'prebuilds')
  mkdirSync(dir)
  const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`
  execFileSync('tar', ['-czf', join(dir, name), '-C', join(ROOT, 'node_modules', 'better-sqlite3'), 'build/Release/better_sqlite3.node'])
  return dir
}

/** The unprivileged user to run as: nobody, when this test runs as root (it can switch to it). */
function unprivilegedUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null
  const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim())
  const gid = Number(execFileSync('id', ['-g', 'nobody']).toString().trim())
  return { uid, gid }
}

describe('the production image, step by step as the Dockerfile builds and runs it', () => {
  const work = mkdtempSync(join(tmpdir(), 'think-together-production-'))
  let server: ChildProcess | null = null
  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server!.once('exit', r))
      server.kill('SIGTERM')
      await exited
    }
    // Two node_modules trees take a while to delete; nothing waits for them.
    spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref()
  })

  it('builds with dev dependencies, runs from dist/ with production dependencies only, as an unprivileged user, and syncs a board', {
    timeout: 600_000,
  }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_better_sqlite3_local_prebuilds: localPrebuilds(work) }
    // As in the build stage: NODE_ENV unset, so npm ci installs the dev dependencies.
    delete env.NODE_ENV

    const buildDir = join(work, 'build')
    expect(copyCheckout(buildDir)).toBeGreaterThan(50)
    expect(existsSync(join(buildDir, 'node_modules'))).toBe(false)
    expect(existsSync(join(buildDir, 'dist'))).toBe(false)
    runStep(PRODUCTION_STEPS.buildInstall, buildDir, env)
    runStep(PRODUCTION_STEPS.build, buildDir, env)

    const appDir = join(work, 'app')
    mkdirSync(appDir)
    for (const entry of PRODUCTION_STEPS.runtimeFiles) cpSync(join(buildDir, entry), join(appDir, entry), { recursive: true })
    runStep(PRODUCTION_STEPS.runtimeInstall, appDir, env)
    // Production dependencies only: no build tools, no client libraries, no tsx.
    for (const devOnly of ['vite', 'tsx', 'esbuild', 'typescript', 'vitest', 'tldraw', 'react']) {
      expect(existsSync(join(appDir, 'node_modules', devOnly)), devOnly).toBe(false)
    }
    for (const runtime of ['better-sqlite3', 'ws', 'pino', 'yjs']) expect(existsSync(join(appDir, 'node_modules', runtime)), runtime).toBe(true)

    const dataDir = join(work, 'data')
    mkdirSync(dataDir)
    const user = unprivilegedUser()
    if (user) {
      // As in the image: the app is readable by everyone, only the data directory is the user's.
      chmodSync(work, 0o755)
      chownSync(dataDir, user.uid, user.gid)
    } else {
      console.warn('production test: not running as root, so the server runs as the current user, not as nobody')
    }
    const port = await freePort()
    const [program, ...args] = PRODUCTION_STEPS.start.split(' ')
    expect(program).toBe('node')
    // Switched to nobody by the spawn itself (setuid before exec), so signals reach node directly.
    server = spawn(process.execPath, args, {
      cwd: appDir,
      ...(user ?? {}),
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const url = `http://127.0.0.1:${port}`
    const answers = async (path: string) => {
      try {
        return (await fetch(url + path)).status
      } catch {
        return 0
      }
    }
    let healthy = false
    const polling = (async () => {
      while (!healthy && server!.exitCode === null) healthy = (await answers('/healthz')) === 200
    })()
    await waitFor(() => healthy || server!.exitCode !== null, 60_000, 'the built server to answer /healthz')
    await polling
    expect(healthy, output).toBe(true)
    expect(await answers('/readyz')).toBe(200)
    if (user) expect(statSync(join(dataDir, 'token-secret')).uid).toBe(user.uid)

    const page = await fetch(`${url}/`, { headers: { 'Accept-Encoding': 'br' } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-encoding')).toBe('br')
    expect(await page.text()).toContain('<div id="root">')

    // The backup tool works in the production install, beside the running server.
    const backupFile = join(work, 'backup.sqlite')
    runStep(`npm run backup -- ${backupFile}`, appDir, { ...env, DATA_DIR: dataDir })
    expect(statSync(backupFile).size).toBeGreaterThan(0)

    const board = await createBoard(url)
    const wsUrl = `ws://127.0.0.1:${port}/sync`
    const alice = connectClient(wsUrl, board.id, board.tokens.member)
    const bob = connectClient(wsUrl, board.id, board.tokens.member)
    try {
      await Promise.all([waitForSync(alice), waitForSync(bob)])
      alice.doc.getMap('production-check').set('written-by', 'alice')
      await waitFor(() => bob.doc.getMap('production-check').get('written-by') === 'alice', 10_000, "alice's change to reach bob")
    } finally {
      alice.destroy()
      bob.destroy()
    }
    // An import is read in the bundled worker (dist/server/importWorker.js).
    const listImport = await fetch(`${url}/api/boards/import?title=Handover&problem=Information%20gets%20lost`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'A checklist at the bedside\nHand over with the patient',
    })
    expect(listImport.status, output).toBe(201)
    const exited = new Promise<number | null>((r) => server!.once('exit', (code) => r(code)))
    server.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output).toContain('"msg":"server stopped"')
    expect(output).not.toContain('"level":50')
  })
})
