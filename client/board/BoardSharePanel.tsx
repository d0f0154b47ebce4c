/**
 * The top-right corner of the board: role, connection, the facilitator's Share button, and
 * the people menu (tldraw's faces and follow, for everyone connected: BoardPeopleMenu.tsx).
 */
import { ShareButton } from '../access/ShareButton'
import { BoardPeopleMenu } from './BoardPeopleMenu'
import { ConnectionIndicator } from './ConnectionIndicator'
import { RoleBadge } from './RoleBadge'
import { UnusedFilesControl } from './UnusedFilesControl'

export function BoardSharePanel() {
  return (
    <div className="tlui-share-zone tt-share-zone" draggable={false}>
      <RoleBadge />
      <ConnectionIndicator />
      <UnusedFilesControl />
      <ShareButton />
      <BoardPeopleMenu />
    </div>
  )
}
