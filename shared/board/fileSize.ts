/**
 * File sizes as people read them, the same on the server (refusal messages) and in the page
 * (upload notices, the Files control): MB with one decimal, KB, or bytes.
 *
 * @example
 *   formatFileSize(10 * 1024 * 1024)   // '10 MB'
 */
export function formatFileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} bytes`
}
