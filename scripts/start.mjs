/**
 * `npm start`: runs the compiled server (dist/server/main.js). In a checkout, it first builds
 * (`npm run build`) when there is no build yet or the sources are newer than it, so that
 * `npm ci && npm start` works on a fresh clone. In a production install (only package.json,
 * package-lock.json and dist/, `npm ci --omit=dev`) there are no sources and nothing to build.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { spawnSync } from 'node:child_process'
import { pathToFileURL } from 'node:url'

const ROOT = resolve(import.meta.dirname, '..')
const SERVER_BUILD = join(ROOT, 'dist', 'server', 'main.js')
const CLIENT_BUILD = join(ROOT, 'dist', 'client', 'index.html')
/** What the build is made from; a checkout has them, a production install does not. */
const SOURCES = ['client', 'server', 'shared', 'scripts', 'vite.config.ts', 'package-lock.json']

function newestMtime(path) {
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stats.mtimeMs)
}

function buildIsCurrent() {
  if (!existsSync(SERVER_BUILD) || !existsSync(CLIENT_BUILD)) return false
  const sources = SOURCES.map((name) => join(ROOT, name)).filter((path) => existsSync(path))
  const built = Math.min(statSync(SERVER_BUILD).mtimeMs, statSync(CLIENT_BUILD).mtimeMs)
  return sources.every((path) => newestMtime(path) <= built)
}

if (!buildIsCurrent()) {
  if (!existsSync(join(ROOT, 'server', 'main.ts'))) {
    console.error(`no build at ${SERVER_BUILD} and no sources to build it from: run npm run build where the sources are`)
    process.exit(1)
  }
  console.error('think-together: building the client and the server once (npm run build)')
  const npm = process.env.npm_execpath
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
    : spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.status !== 0) {
    console.error('think-together: the build failed; see the output above')
    process.exit(1)
  }
}

await import(pathToFileURL(SERVER_BUILD).href)
