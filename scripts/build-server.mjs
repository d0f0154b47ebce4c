/**
 * Compiles the server for production (`npm run build`, after the client): esbuild bundles
 * server/main.ts, the backup tools and the export command, with what they import from server/ and shared/ (tldraw's
 * schema packages included), into plain JavaScript in dist/server/. The runtime packages stay
 * external, so `npm ci --omit=dev` installs them. Beside the bundle go the files the server reads
 * at run time from its own folder: the update screen's and the WAL checkpoint's workers and the SQL migrations.
 *
 * @example
 *   node scripts/build-server.mjs && node dist/server/main.js
 */
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'

const ROOT = resolve(import.meta.dirname, '..')
const OUT_DIR = join(ROOT, 'dist', 'server')

/** Installed with `npm ci --omit=dev`: every production dependency is left to node_modules. */
const RUNTIME_PACKAGES = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies)

rmSync(OUT_DIR, { recursive: true, force: true })
await build({
  entryPoints: {
    main: join(ROOT, 'server', 'main.ts'),
    database: join(ROOT, 'scripts', 'database.ts'),
    export: join(ROOT, 'server', 'exchange', 'exportCli.ts'),
    // Found next to the bundle: new URL('./importWorker.js', import.meta.url) in importPool.ts.
    importWorker: join(ROOT, 'server', 'exchange', 'importWorker.ts'),
  },
  outdir: OUT_DIR,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  external: RUNTIME_PACKAGES.flatMap((name) => [name, `${name}/*`]),
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
})
// Found next to the bundle: new URL('./updateScreenWorker.mjs', import.meta.url) in updateScreen.ts.
cpSync(join(ROOT, 'server', 'relay', 'updateScreenWorker.mjs'), join(OUT_DIR, 'updateScreenWorker.mjs'))
// Found next to the bundle: new URL('./walCheckpointWorker.mjs', import.meta.url) in walCheckpointer.ts.
cpSync(join(ROOT, 'server', 'storage', 'walCheckpointWorker.mjs'), join(OUT_DIR, 'walCheckpointWorker.mjs'))
// Read from join(import.meta.dirname, 'fonts') in server/exchange/boardPicture.ts (tldraw's assets are a dev dependency).
mkdirSync(join(OUT_DIR, 'fonts'), { recursive: true })
for (const font of ['IBMPlexSans-Medium.woff2', 'IBMPlexSans-Bold.woff2']) {
  cpSync(join(ROOT, 'node_modules', '@tldraw', 'assets', 'fonts', font), join(OUT_DIR, 'fonts', font))
}
// Read from join(import.meta.dirname, 'templates') in server/boards/boardTemplates.ts.
cpSync(join(ROOT, 'server', 'boards', 'templates'), join(OUT_DIR, 'templates'), { recursive: true })
// Read from join(import.meta.dirname, 'migrations', <dialect>) in server/storage/migrations.ts.
mkdirSync(join(OUT_DIR, 'migrations'), { recursive: true })
cpSync(join(ROOT, 'server', 'storage', 'migrations'), join(OUT_DIR, 'migrations'), { recursive: true })
console.log(`server built into ${OUT_DIR}`)
