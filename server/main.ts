/**
 * The server's entry point: reads the configuration, starts the server, and stops it cleanly on
 * SIGTERM and SIGINT (everything stored, clients told to reconnect). `npm start` runs its build,
 * dist/server/main.js (scripts/start.mjs builds it first in a checkout); tests run this file
 * through tsx.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { readConfig } from './config'
import { CLIENT_BUILD_DIR, createLogger, startServer } from './app'

async function main(): Promise<void> {
  const config = readConfig()
  const log = createLogger(config.logLevel)
  if (!existsSync(join(CLIENT_BUILD_DIR, 'index.html'))) {
    log.warn({ clientBuildDir: CLIENT_BUILD_DIR }, 'no client build (npm run build): serving the API and relay only')
  }
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
