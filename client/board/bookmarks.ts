/**
 * Pasting a web address makes a bookmark card. tldraw's default fetches the page and its preview
 * image from the other site; we make the card from the address alone, so a board never makes
 * requests to other hosts on its own.
 */
import { AssetRecordType, getHashForString, type Editor, type TLBookmarkAsset } from 'tldraw'

export function registerLocalBookmarks(editor: Editor): void {
  editor.registerExternalAssetHandler('url', async ({ url }) => {
    let title = url
    try {
      const parsed = new URL(url)
      title = parsed.hostname + (parsed.pathname === '/' ? '' : parsed.pathname)
    } catch {
      // Not a parseable URL: the address itself is the title.
    }
    const asset: TLBookmarkAsset = {
      id: AssetRecordType.createId(getHashForString(url)),
      typeName: 'asset',
      type: 'bookmark',
      props: { src: url, title, description: '', image: '', favicon: '' },
      meta: {},
    }
    return asset
  })
}
