// The live inbox: listens to /inbox/events (Server-Sent Events) and, when something changed in
// the user's practices, re-reads the same view and swaps the list, the totals and the paging in
// place. While someone is typing a reply or a note nothing is swapped under them: a notice
// offers to show the new activity instead. No inline script: the strict CSP allows only our files.
;(() => {
  const list = document.querySelector('ol.inbox[data-live]')
  if (!list || !('EventSource' in window)) return
  const PARTS = ['ol.inbox', '.inbox-totals', '.inbox-paging']
  let busy = false
  let again = false

  function typing() {
    for (const field of document.querySelectorAll('ol.inbox textarea, ol.inbox input[type="text"]'))
      if (field.value.trim()) return true
    return false
  }

  function offer() {
    let notice = document.querySelector('[data-live-notice]')
    if (notice) return
    notice = document.createElement('p')
    notice.className = 'notice'
    notice.setAttribute('data-live-notice', '')
    notice.setAttribute('role', 'status')
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'secondary'
    button.textContent = 'Show new activity'
    button.addEventListener('click', () => {
      notice.remove()
      refresh(true)
    })
    notice.append('The inbox changed while you were writing. ', button)
    document.querySelector('ol.inbox')?.before(notice)
  }

  async function refresh(force) {
    if (busy) {
      again = true
      return
    }
    if (!force && typing()) return offer()
    busy = true
    try {
      const res = await fetch(location.href, { credentials: 'same-origin' })
      if (!res.ok) return
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
      for (const selector of PARTS) {
        const fresh = doc.querySelector(selector)
        const old = document.querySelector(selector)
        if (fresh && old) old.replaceWith(document.importNode(fresh, true))
      }
      document.dispatchEvent(new CustomEvent('earshot:inbox-updated'))
    } catch {
      // Offline for a moment: the next event tries again.
    } finally {
      busy = false
      if (again) {
        again = false
        refresh(false)
      }
    }
  }

  const source = new EventSource(list.getAttribute('data-live'))
  source.addEventListener('inbox', () => refresh(false))
})()
