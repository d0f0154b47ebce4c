/**
 * `npm start`: builds the client when no build exists, then serves it and the relay on one port.
 * SIGTERM and SIGINT stop the server cleanly (everything stored, clients told to reconnect).
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { spawnSync } from 'node:child_process'
import { readConfig } from './config'
import { CLIENT_BUILD_DIR, createLogger, startServer } from './app'

function ensureClientBuild(log: ReturnType<typeof createLogger>): void {
  if (existsSync(join(CLIENT_BUILD_DIR, 'index.html'))) return
  if (process.env.SKIP_CLIENT_BUILD === '1') {
    log.warn('no client build and SKIP_CLIENT_BUILD=1: serving the API and relay only')
    return
  }
  log.info('no client build found; building it once (npm run build)')
  const root = resolve(import.meta.dirname, '..')
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (result.status !== 0) throw new Error('building the client failed; see the output above')
}

async function main(): Promise<void> {
  const config = readConfig()
  const log = createLogger(config.logLevel)
  ensureClientBuild(log)
  const server = await startServer(config, log)
  let signalled = false
  const shutdown = (signal: string) => {
    if (signalled) return
    signalled = true
    log.info({ signal }, 'shutting down')
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((error: unknown) => {
  createLogger('info').fatal({ err: error }, error instanceof Error ? error.message : 'startup failed')
  process.exit(1)
})
