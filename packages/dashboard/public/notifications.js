// The bell's unread count, kept fresh while a page is open, and browser notifications for new
// alerts once the user allows them. Titles never hold patient text (they can show on a lock
// screen). No inline script: the strict CSP allows only our own files.
;(() => {
  const POLL_MS = 30_000
  const SEEN_KEY = 'earshot.seenAlerts'

  function seen() {
    try {
      return new Set(JSON.parse(sessionStorage.getItem(SEEN_KEY) || '[]'))
    } catch {
      return new Set()
    }
  }
  function remember(ids) {
    try {
      sessionStorage.setItem(SEEN_KEY, JSON.stringify([...ids].slice(-200)))
    } catch {
      // Storage full or disabled: at worst a notification shows twice.
    }
  }

  function showCount(unread) {
    for (const bell of document.querySelectorAll('[data-bell]')) {
      const count = bell.querySelector('[data-bell-count]')
      if (count) count.textContent = unread > 0 ? String(unread) : ''
      bell.classList.toggle('has-unread', unread > 0)
      bell.setAttribute(
        'aria-label',
        unread === 1 ? 'Notifications: 1 unread' : `Notifications: ${unread} unread`,
      )
    }
  }

  function notify(latest, first) {
    const known = seen()
    const canNotify = 'Notification' in window && Notification.permission === 'granted'
    for (const a of latest) {
      if (known.has(a.id)) continue
      known.add(a.id)
      // The first poll after a page load only learns what is there: no burst on every navigation.
      if (first || !canNotify) continue
      const n = new Notification(a.title, { tag: a.id, requireInteraction: a.urgent })
      n.addEventListener('click', () => {
        window.focus()
        window.location.assign(a.url)
      })
    }
    remember(known)
  }

  let first = sessionStorage.getItem(SEEN_KEY) === null
  async function poll() {
    const allowed = 'Notification' in window && Notification.permission === 'granted'
    if (document.visibilityState === 'visible' || allowed) {
      try {
        const res = await fetch('/alerts/unread.json', {
          credentials: 'same-origin',
          headers: { accept: 'application/json' },
        })
        if (res.ok) {
          const body = await res.json()
          showCount(body.unread)
          notify(body.latest, first)
          first = false
        }
      } catch {
        // Offline or server restarting: try again on the next tick.
      }
    }
    setTimeout(poll, POLL_MS)
  }

  function setUpPermissionButton() {
    const button = document.querySelector('[data-enable-browser-notifications]')
    if (!button || !('Notification' in window) || Notification.permission !== 'default') return
    button.hidden = false
    button.addEventListener('click', async () => {
      await Notification.requestPermission()
      button.hidden = true
    })
  }

  function start() {
    if (!document.querySelector('[data-bell]')) return
    setUpPermissionButton()
    poll()
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
})()
