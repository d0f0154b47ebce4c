/**
 * Precompression of the client build: a brotli (.br) and a gzip (.gz) copy beside every
 * compressible file, so the server sends compressed bytes without compressing per request
 * (server/http/staticFiles.ts picks one by Accept-Encoding). A copy that would not be smaller
 * than the file is not written. Vite runs it after every build (vite.config.ts).
 *
 * @example
 *   const { files, bytes, brotliBytes } = precompressDirectory('dist/client')
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

/** Formats that are not compressed already (images other than SVG, fonts, video are). */
export const COMPRESSIBLE_EXTENSIONS = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.webmanifest', '.xml', '.map', '.ttf', '.wasm'])

/** After `vite build` has written the bundle, precompresses the output folder. */
export function precompressPlugin(): Plugin {
  let outDir = ''
  return {
    name: 'think-together-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      precompressDirectory(outDir)
    },
  }
}

/** Files smaller than this are sent as they are: the headers would outweigh the saving. */
const MIN_BYTES = 512

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path) : [path]
  })
}

export interface PrecompressTotals {
  files: number
  bytes: number
  brotliBytes: number
  gzipBytes: number
}

export function precompressDirectory(dir: string): PrecompressTotals {
  const totals: PrecompressTotals = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 }
  for (const file of filesUnder(dir)) {
    if (file.endsWith('.br') || file.endsWith('.gz')) {
      // Left by an earlier build of the same folder; rewritten below when still wanted.
      rmSync(file)
      continue
    }
    if (!COMPRESSIBLE_EXTENSIONS.has(extname(file))) continue
    const data = readFileSync(file)
    if (data.length < MIN_BYTES) continue
    const brotli = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    })
    const gzip = gzipSync(data, { level: 9 })
    totals.files++
    totals.bytes += data.length
    if (brotli.length < data.length) {
      writeFileSync(`${file}.br`, brotli)
      totals.brotliBytes += brotli.length
    }
    if (gzip.length < data.length) {
      writeFileSync(`${file}.gz`, gzip)
      totals.gzipBytes += gzip.length
    }
  }
  return totals
}
