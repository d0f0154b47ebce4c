/**
 * A PostgreSQL schema of its own for a test, in the shared test database (TEST_DATABASE_URL, by
 * default the machine's postgres://postgres@127.0.0.1:5432/test): `createTestSchema` makes
 * tt_test_<random> and hands out a connection string whose search_path is that schema, so the
 * storage under test creates its tables there; `drop` removes it. `findPostgres` says whether
 * PostgreSQL answers: with CI=true a missing PostgreSQL is an error, never a skipped test.
 *
 * @example
 *   const schema = await createTestSchema()
 *   const storage = await PostgresStorage.open(schema.url)
 *   // …
 *   await storage.close(); await schema.drop()
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestSchema {
  name: string
  /** TEST_DATABASE_URL with this schema as its search_path. */
  url: string
  /** The same, through another host and port (e.g. a proxy in front of PostgreSQL). */
  urlVia(port: number, host?: string): string
  /** Runs SQL in the schema, outside any storage under test. */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<Row[]>
  drop(): Promise<void>
}

function withSearchPath(base: string, schema: string, port?: number, host?: string): string {
  const url = new URL(base)
  url.searchParams.set('options', `-c search_path=${schema}`)
  if (port !== undefined) url.port = String(port)
  if (host !== undefined) url.hostname = host
  return url.toString()
}

/**
 * Whether PostgreSQL answers at TEST_DATABASE_URL. Throws when it does not and CI=true: in CI
 * the PostgreSQL tests must run.
 */
export async function findPostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but PostgreSQL does not answer at ${TEST_DATABASE_URL}: ${(error as Error).message}`)
    }
    console.warn(`PostgreSQL does not answer at ${TEST_DATABASE_URL} (${(error as Error).message}): the PostgreSQL tests are SKIPPED`)
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

export async function createTestSchema(): Promise<TestSchema> {
  const name = `tt_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  try {
    await admin.query(`CREATE SCHEMA ${name}`)
  } finally {
    await admin.end()
  }
  const url = withSearchPath(TEST_DATABASE_URL, name)
  return {
    name,
    url,
    urlVia: (port, host) => withSearchPath(TEST_DATABASE_URL, name, port, host),
    query: async <Row extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        return (await client.query<Row>(sql, values)).rows
      } finally {
        await client.end()
      }
    },
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await client.connect()
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}
