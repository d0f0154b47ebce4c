/**
 * Remembers tldraw's text measurements. Measuring means laying out a hidden element, and tldraw
 * measures every arrow label (twice) when it first indexes a page: on a board with 1,500 typed
 * links that is seconds of layout for a handful of distinct labels ("builds on", "leads to", …).
 * A measurement depends only on the HTML and the measuring options, so it is cached on those,
 * and the cache is emptied whenever fonts finish loading (which changes every measurement).
 */
import type { Editor } from 'tldraw'

const MAX_ENTRIES = 5000

export function cacheTextMeasurements(editor: Editor): () => void {
  const textMeasure = editor.textMeasure
  const measureHtml = textMeasure.measureHtml.bind(textMeasure)
  const cache = new Map<string, ReturnType<typeof measureHtml>>()
  textMeasure.measureHtml = (html, opts) => {
    const key = `${html}\u0000${JSON.stringify(opts)}`
    const cached = cache.get(key)
    if (cached) return { ...cached }
    const measured = measureHtml(html, opts)
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string)
    cache.set(key, measured)
    return { ...measured }
  }
  const fonts = editor.getContainer().ownerDocument.fonts
  const clear = () => cache.clear()
  fonts?.addEventListener('loadingdone', clear)
  return () => {
    fonts?.removeEventListener('loadingdone', clear)
    textMeasure.measureHtml = measureHtml
  }
}
