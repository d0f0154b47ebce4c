/**
 * Typed links between contributions. A link is a tldraw arrow bound to two contribution shapes;
 * its type and attribution live in the arrow's `meta` (`LinkMeta`), its label shows the type.
 */
import { isLinkType, type LinkType } from './vocabulary'
import type { Person } from './boardModel'

export interface LinkMeta {
  linkType: LinkType
  createdBy: Person | null
  /** Who last changed the link's type (the creator until someone else does). */
  updatedBy: Person | null
  createdAt: number
  updatedAt: number
}

function readPerson(value: unknown): Person | null {
  const by = value as Record<string, unknown> | null | undefined
  return by && typeof by.id === 'string' && typeof by.name === 'string' && typeof by.color === 'string' ? { id: by.id, name: by.name, color: by.color } : null
}

export function readLinkMeta(meta: unknown): LinkMeta | null {
  if (!meta || typeof meta !== 'object') return null
  const value = meta as Record<string, unknown>
  if (!isLinkType(value.linkType)) return null
  const createdBy = readPerson(value.createdBy)
  return {
    linkType: value.linkType,
    createdBy,
    updatedBy: readPerson(value.updatedBy) ?? createdBy,
    createdAt: Number(value.createdAt) || 0,
    updatedAt: Number(value.updatedAt) || 0,
  }
}
