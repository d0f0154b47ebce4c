/**
 * The map analysis, in plain language: one section per analysis (most linked, furthest reach along
 * "leads to", feedback loops, clusters, nobody has responded yet, reciprocity), each result a
 * button that highlights its cards on the canvas (and zooms to them); choosing it again clears the
 * highlight. Reciprocity also shows the member-to-member matrix.
 */
import type { MapAnalysis, MapResult } from '../../shared/analysis/mapAnalysis'
import type { ChooseResult } from './MapOverlay'

interface SectionProps {
  id: string
  title: string
  hint: string
  results: readonly MapResult[]
  empty: string
  chosen: string | null
  choose: ChooseResult
  note?: string
}

function Section({ id, title, hint, results, empty, chosen, choose, note }: SectionProps) {
  return (
    <section className="tt-map__section" aria-labelledby={`tt-map-${id}`} data-testid={`map-section-${id}`}>
      <h3 className="tt-map__heading" id={`tt-map-${id}`}>
        {title}
      </h3>
      <p className="tt-map__hint">{hint}</p>
      {results.length === 0 ? (
        <p className="tt-map__muted">{empty}</p>
      ) : (
        <ul className="tt-map__results">
          {results.map((result) => (
            <li key={result.key}>
              <button
                type="button"
                className="tt-map__result"
                aria-pressed={chosen === result.key}
                data-testid="map-result"
                data-key={result.key}
                onClick={() => choose(result.key, result.sentence, result.cardIds)}
              >
                {result.sentence}
              </button>
            </li>
          ))}
        </ul>
      )}
      {note ? <p className="tt-map__muted">{note}</p> : null}
    </section>
  )
}

export function MapAnalysisView({ analysis, chosen, choose }: { analysis: MapAnalysis; chosen: string | null; choose: ChooseResult }) {
  const { loops, unanswered, reciprocity } = analysis
  const common = { chosen, choose }
  const loopNote = loops.complete
    ? loops.counted > loops.results.length
      ? `${loops.counted} loops in all; the shortest ${loops.results.length} are listed.`
      : undefined
    : `More than ${loops.counted} loops: the search stopped there. The shortest found are listed.`
  const listedQuiet = unanswered.results.filter((result) => result.key !== 'unanswered:all').length
  const unansweredNote = unanswered.count > listedQuiet ? `${unanswered.count} in all; the oldest ${listedQuiet} are listed.` : undefined
  return (
    <div className="tt-map__analysis">
      <p className="tt-map__summary" data-testid="map-summary">
        {analysis.cardCount === 1 ? '1 contribution' : `${analysis.cardCount} contributions`},{' '}
        {analysis.linkCount === 1 ? '1 link' : `${analysis.linkCount} links`}. Choose a result to see its cards on the canvas.
      </p>
      <Section
        id="central"
        title="Most linked"
        hint="Contributions with the most links in and out, of every type."
        results={analysis.central}
        empty="No links yet."
        {...common}
      />
      <Section
        id="reach"
        title="Furthest reach"
        hint="Contributions that lead to the most others through chains of “leads to”."
        results={analysis.reach}
        empty="No “leads to” links yet."
        {...common}
      />
      <Section
        id="loops"
        title="Feedback loops"
        hint="Chains of “leads to” that come back to where they started."
        results={loops.results}
        empty="No loops among “leads to” links."
        note={loopNote}
        {...common}
      />
      <Section
        id="clusters"
        title="Clusters"
        hint="Groups of contributions linked more densely among themselves than to the rest."
        results={analysis.clusters}
        empty="No cluster of three or more linked contributions yet."
        {...common}
      />
      <Section
        id="unanswered"
        title="Nobody has responded yet"
        hint="No reply, no link to it and no reaction from anyone but its author."
        results={unanswered.results}
        empty="Every contribution has had a response."
        note={unansweredNote}
        {...common}
      />
      <section className="tt-map__section" aria-labelledby="tt-map-reciprocity" data-testid="map-section-reciprocity">
        <h3 className="tt-map__heading" id="tt-map-reciprocity">
          Reciprocity
        </h3>
        <p className="tt-map__hint">Who responded (replied, linked to, reacted) to whose contributions. Anonymous cards are nobody’s.</p>
        <p className="tt-map__figure" data-testid="map-reciprocity-summary">
          {reciprocity.summary} {reciprocity.detail}
        </p>
        {reciprocity.members.length > 1 ? (
          <>
            <ul className="tt-map__results">
              {reciprocity.members.map((result) => (
                <li key={result.key}>
                  <button
                    type="button"
                    className="tt-map__result"
                    aria-pressed={chosen === result.key}
                    data-testid="map-result"
                    data-key={result.key}
                    disabled={result.cardIds.length === 0}
                    onClick={() => choose(result.key, result.sentence, result.cardIds)}
                  >
                    {result.sentence}
                  </button>
                </li>
              ))}
            </ul>
            <ReciprocityMatrix analysis={analysis} />
          </>
        ) : null}
      </section>
    </div>
  )
}

/** Members the table shows, at most: beyond this a table is no longer readable (and a hostile board could list thousands). */
const MATRIX_MAX_MEMBERS = 24

function ReciprocityMatrix({ analysis }: { analysis: MapAnalysis }) {
  const { table } = analysis.reciprocity
  const members = table.members.slice(0, MATRIX_MAX_MEMBERS)
  const matrix = table.matrix.slice(0, MATRIX_MAX_MEMBERS).map((row) => row.slice(0, MATRIX_MAX_MEMBERS))
  return (
    <div className="tt-map__matrix-wrap">
      {table.members.length > members.length ? (
        <p className="tt-map__muted">
          The table shows the first {members.length} of {table.members.length} members.
        </p>
      ) : null}
      <table className="tt-map__matrix" data-testid="map-reciprocity-matrix">
        <caption className="tt-map__hint">Responses from each member (row) to each member’s contributions (column).</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="tt-map__sr">From</span>
            </th>
            {members.map((member) => (
              <th key={member.id} scope="col" title={member.name}>
                {member.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {members.map((member, i) => (
            <tr key={member.id}>
              <th scope="row">{member.name}</th>
              {matrix[i].map((count, j) => (
                <td key={members[j].id} data-empty={i === j || count === 0 || undefined}>
                  {i === j ? '·' : count}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
