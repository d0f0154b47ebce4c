/**
 * tldraw's main menu with its own Export submenu replaced by "Export…": the board as a Markdown synthesis, a board
 * file (JSON, which imports into a new board) or a CSV of contributions, made by the server from
 * what this person's link may see; and a picture of the canvas (SVG or PNG, fonts embedded) made
 * by tldraw's own export — of the selection when there is one, else of the whole page. Anyone on
 * the board, observers included, can export.
 */
import {
  DefaultMainMenu,
  EditSubmenu,
  ExtrasGroup,
  PreferencesGroup,
  TldrawUiMenuGroup,
  TldrawUiMenuItem,
  TldrawUiMenuSubmenu,
  exportAs,
  useEditor,
  useToasts,
  useValue,
  ViewSubmenu,
  type TLShapeId,
} from 'tldraw'
import { ApiError } from '../api/apiRequest'
import { downloadBoardExport, type ExportFormat } from '../api/exchangeApi'
import { useBoardContext } from '../board/boardContext'
import { readBoardTitle } from './boardTitle'
import { saveFile } from './saveFile'

const SERVER_FORMATS: Array<{ format: ExportFormat; label: string }> = [
  { format: 'md', label: 'Synthesis (Markdown)' },
  { format: 'json', label: 'Board file (JSON)' },
  { format: 'csv', label: 'Contributions (CSV)' },
]

function ExportItems() {
  const editor = useEditor()
  const board = useBoardContext()
  const toasts = useToasts()
  const selected = useValue('selected shapes', () => editor.getSelectedShapeIds(), [editor])
  const pageHasShapes = useValue('page has shapes', () => editor.getCurrentPageShapeIds().size > 0, [editor])
  const of = selected.length > 0 ? 'selection' : 'board'

  const fail = (what: string, error: unknown) =>
    toasts.addToast({
      title: `The ${what} could not be exported`,
      description: error instanceof ApiError ? error.message : 'Something went wrong; try again.',
      severity: 'error',
    })

  const exportFromServer = async (format: ExportFormat) => {
    try {
      const blob = await downloadBoardExport(board.boardId, board.token, format)
      saveFile(blob, `${readBoardTitle(board.controlDoc, board.initialTitle)}.${format}`)
    } catch (error) {
      fail('board', error)
    }
  }

  const exportPicture = async (format: 'svg' | 'png') => {
    const ids: TLShapeId[] = selected.length > 0 ? selected : [...editor.getCurrentPageShapeIds()]
    try {
      await exportAs(editor, ids, { format, name: readBoardTitle(board.controlDoc, board.initialTitle), background: true, padding: 32 })
    } catch (error) {
      fail(of, error)
    }
  }

  return (
    <>
      <TldrawUiMenuGroup id="tt-export-board">
        {SERVER_FORMATS.map(({ format, label }) => (
          <TldrawUiMenuItem key={format} id={`tt-export-${format}`} label={label} readonlyOk onSelect={() => void exportFromServer(format)} />
        ))}
      </TldrawUiMenuGroup>
      <TldrawUiMenuGroup id="tt-export-picture">
        <TldrawUiMenuItem
          id="tt-export-svg"
          label={`Picture of the ${of} (SVG)`}
          readonlyOk
          disabled={!pageHasShapes}
          onSelect={() => void exportPicture('svg')}
        />
        <TldrawUiMenuItem
          id="tt-export-png"
          label={`Picture of the ${of} (PNG)`}
          readonlyOk
          disabled={!pageHasShapes}
          onSelect={() => void exportPicture('png')}
        />
      </TldrawUiMenuGroup>
    </>
  )
}

export function BoardMainMenu() {
  return (
    <DefaultMainMenu>
      <TldrawUiMenuGroup id="basic">
        <EditSubmenu />
        <ViewSubmenu />
        <TldrawUiMenuSubmenu id="tt-export-menu" label="Export…">
          <ExportItems />
        </TldrawUiMenuSubmenu>
        <ExtrasGroup />
      </TldrawUiMenuGroup>
      <PreferencesGroup />
    </DefaultMainMenu>
  )
}
