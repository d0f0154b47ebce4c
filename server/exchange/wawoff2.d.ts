/**
 * The part of wawoff2 (WOFF2 to TrueType, Google's woff2 compiled to WebAssembly) that the board
 * picture uses; the package ships no types.
 */
declare module 'wawoff2' {
  export function decompress(woff2: Uint8Array): Promise<Uint8Array>
}
