/**
 * @module The error and not-found page: a complete document of its own, so it renders even when
 * the failure happened before the layout middleware ran. Never shows a stack trace.
 */
import type { Context } from 'hono'

/** A calm error page with a way back. */
export function ErrorPage({
  status,
  title,
  message,
}: {
  status: number
  title: string
  message: string
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Earshot`}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body class="bare">
        <main id="main" class="error-page">
          <p class="error-code">{status}</p>
          <h1>{title}</h1>
          <p>{message}</p>
          <p>
            <a href="/">Back to the overview</a>
          </p>
        </main>
      </body>
    </html>
  )
}

/** The error page as an HTML response. */
export function errorPageResponse(
  c: Context,
  status: number,
  title: string,
  message: string,
): Response | Promise<Response> {
  return c.html(<ErrorPage status={status} title={title} message={message} />, status as 400)
}
