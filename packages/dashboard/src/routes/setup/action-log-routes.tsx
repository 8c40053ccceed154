/**
 * @module The user-action log for agency admins: who replied, overrode, changed settings,
 * exported or invited whom, newest first, filterable by action and person, keyset-paged (no
 * offsets, so paging stays fast and stable while entries arrive), and exported as CSV streamed
 * page by page. The export itself is logged.
 */
import { type Context, Hono } from 'hono'
import {
  listUserActions,
  recordUserAction,
  USER_ACTIONS,
  type UserAction,
} from '../../audit/user-actions.js'
import { authOf } from '../../http/auth-middleware.js'
import type { DashboardEnv } from '../../http/dashboard-env.js'
import { HttpError } from '../../http/http-errors.js'
import { assertAgencyAdmin } from '../../setup/setup-permissions.js'
import { listUsers } from '../../setup/user-store.js'
import { formatDateTime } from '../../views/format.js'

const PAGE = 50

interface Filters {
  action?: UserAction
  userId?: string
  before?: { createdAt: Date; id: string }
}

function filtersOf(c: Context<DashboardEnv>): Filters {
  const action = c.req.query('action')
  const user = c.req.query('user')
  const before = c.req.query('before')
  const f: Filters = {}
  if (action) {
    if (!(USER_ACTIONS as readonly string[]).includes(action))
      throw new HttpError('INVALID_INPUT', 'unknown action')
    f.action = action as UserAction
  }
  if (user) f.userId = user.slice(0, 200)
  if (before) {
    const [at, id] = before.split('|')
    const date = new Date(at ?? '')
    if (!id || Number.isNaN(date.getTime())) throw new HttpError('INVALID_INPUT', 'bad cursor')
    f.before = { createdAt: date, id }
  }
  return f
}

/** A CSV cell: quoted, and a leading formula character defused (spreadsheets run them). */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return `"${safe.replace(/"/g, '""')}"`
}

/** Routes `/setup/actions` and `/setup/actions.csv` (agency admins). */
export function actionLogRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/setup/actions', async (c) => {
    const auth = authOf(c)
    assertAgencyAdmin(auth)
    const f = filtersOf(c)
    const { db } = c.var.services
    const [rows, users] = await Promise.all([
      listUserActions(db, { organisationId: auth.organisationId, ...f, limit: PAGE + 1 }),
      listUsers(db, auth.organisationId),
    ])
    const names = new Map(users.map((u) => [u.id, `${u.name} <${u.email}>`]))
    const page = rows.slice(0, PAGE)
    const last = page.at(-1)
    const zone = auth.practices[0]?.time_zone ?? 'UTC'
    const query = (extra: Record<string, string>) =>
      new URLSearchParams({
        ...(f.action ? { action: f.action } : {}),
        ...(f.userId ? { user: f.userId } : {}),
        ...extra,
      }).toString()
    return c.render(
      <>
        <h1>Action log</h1>
        <form method="get" action="/setup/actions" class="filters row">
          <label>
            Action
            <select name="action">
              <option value="">any</option>
              {USER_ACTIONS.map((a) => (
                <option value={a} selected={a === f.action}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label>
            Person
            <select name="user">
              <option value="">anyone</option>
              {users.map((u) => (
                <option value={u.id} selected={u.id === f.userId}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Filter</button>
        </form>
        <p>
          <a href={`/setup/actions.csv?${query({})}`}>Download CSV</a>
        </p>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">What</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {page.map((r) => (
                <tr>
                  <td>{formatDateTime(new Date(r.created_at), zone)}</td>
                  <td>
                    {r.user_id ? (names.get(r.user_id) ?? 'a removed user') : 'system or CLI'}
                  </td>
                  <td>{r.action}</td>
                  <td>
                    {r.target_type} {r.target_id ?? ''}
                  </td>
                  <td>
                    <code class="small">{JSON.stringify(r.detail)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {rows.length > PAGE && last ? (
          <p>
            <a
              href={`/setup/actions?${query({ before: `${new Date(last.created_at).toISOString()}|${last.id}` })}`}
            >
              Older entries
            </a>
          </p>
        ) : null}
      </>,
      { title: 'Action log', active: 'setup' },
    )
  })

  app.get('/setup/actions.csv', async (c) => {
    const auth = authOf(c)
    assertAgencyAdmin(auth)
    const f = filtersOf(c)
    const { db, now } = c.var.services
    await recordUserAction(
      db,
      {
        organisationId: auth.organisationId,
        userId: auth.user.id,
        action: 'export.downloaded',
        targetType: 'user_actions',
        detail: { format: 'csv', ...(f.action ? { action: f.action } : {}) },
      },
      now(),
    )
    const encoder = new TextEncoder()
    let cursor = f.before
    let started = false
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!started) {
          started = true
          controller.enqueue(
            encoder.encode('created_at,user_id,practice_id,action,target_type,target_id,detail\n'),
          )
        }
        const rows = await listUserActions(db, {
          organisationId: auth.organisationId,
          ...(f.action ? { action: f.action } : {}),
          ...(f.userId ? { userId: f.userId } : {}),
          ...(cursor ? { before: cursor } : {}),
          limit: 500,
        })
        const text = rows
          .map((r) =>
            [
              new Date(r.created_at).toISOString(),
              r.user_id ?? '',
              r.practice_id ?? '',
              r.action,
              r.target_type,
              r.target_id ?? '',
              JSON.stringify(r.detail),
            ]
              .map(cell)
              .join(','),
          )
          .join('\n')
        if (text) controller.enqueue(encoder.encode(`${text}\n`))
        const last = rows.at(-1)
        if (rows.length < 500 || !last) controller.close()
        else cursor = { createdAt: new Date(last.created_at), id: last.id }
      },
    })
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header('Content-Disposition', 'attachment; filename="earshot-actions.csv"')
    return c.body(stream)
  })

  return app
}
