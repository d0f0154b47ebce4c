import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { precompressPlugin } from './scripts/precompress'

// The client lives in client/; `npm start` serves its build from dist/client, with a .br and a
// .gz copy beside each compressible file (scripts/precompress.ts).
// In `npm run dev`, API and websocket calls go to a relay started with `npm start` on :8080.
export default defineConfig({
  root: 'client',
  plugins: [react(), precompressPlugin()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    // tldraw loads its translations with fetch(); the CSP's connect-src 'self' refuses data: URLs,
    // so JSON files (en.json is tiny and would be inlined) always ship as files.
    assetsInlineLimit: (filePath) => (filePath.endsWith('.json') ? false : undefined),
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/sync': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
})
