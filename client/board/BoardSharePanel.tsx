/**
 * The top-right corner of the board: role, connection, and tldraw's people menu (faces, follow).
 */
import { useTldrawUiComponents } from 'tldraw'
import { ConnectionIndicator } from './ConnectionIndicator'
import { RoleBadge } from './RoleBadge'

export function BoardSharePanel() {
  const { PeopleMenu } = useTldrawUiComponents()
  return (
    <div className="tlui-share-zone tt-share-zone" draggable={false}>
      <RoleBadge />
      <ConnectionIndicator />
      {PeopleMenu && <PeopleMenu />}
    </div>
  )
}
