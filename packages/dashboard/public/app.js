/**
 * Earshot dashboard browser script. Served from /assets/app.js (the CSP allows only same-origin
 * scripts, never inline ones). It draws the charts whose Chart.js configuration the server put in
 * <script type="application/json"> blocks, and keeps inbox countdowns ticking.
 */
;(() => {
  // The size a chart is drawn at for print: the width of an A4 page less margins and the chart
  // frame, and the print stylesheet's .chart-box height. A chart's canvas keeps the pixel size it
  // had on screen, and `beforeprint` fires before the print layout exists, so measuring the box
  // then would give the screen width again: print uses this fixed size instead.
  const PRINT_CHART_SIZE = { width: 640, height: 220 }
  const charts = []
  let printing = false

  function sizeForPrint(print) {
    if (print === printing) return
    printing = print
    for (const chart of charts) {
      if (print) chart.resize(PRINT_CHART_SIZE.width, PRINT_CHART_SIZE.height)
      else chart.resize()
    }
  }

  function watchPrint() {
    window.addEventListener('beforeprint', () => sizeForPrint(true))
    window.addEventListener('afterprint', () => sizeForPrint(false))
    // Chromium's print preview and headless PDF rendering switch the media without always firing
    // the print events; the media query covers both.
    window.matchMedia?.('print').addEventListener?.('change', (e) => sizeForPrint(e.matches))
  }

  function drawCharts() {
    if (typeof window.Chart !== 'function') return
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily
    window.Chart.defaults.color = '#334155'
    for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
      const source = document.getElementById(canvas.getAttribute('data-chart'))
      if (!source) continue
      try {
        const config = JSON.parse(source.textContent || '{}')
        if (window.matchMedia?.('(prefers-reduced-motion: reduce)').matches) {
          config.options = Object.assign({}, config.options, { animation: false })
        }
        const chart = new window.Chart(canvas, config)
        canvas.dataset.drawn = 'true'
        charts.push(chart)
      } catch (error) {
        canvas.dataset.drawn = 'error'
        console.error('[earshot] chart failed', error)
      }
    }
  }

  function formatDuration(ms) {
    const minutes = Math.round(Math.abs(ms) / 60000)
    if (minutes < 60) return `${minutes}m`
    const hours = Math.floor(minutes / 60)
    if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`
    return `${Math.floor(hours / 24)}d ${hours % 24}h`
  }

  function tickCountdowns() {
    const now = Date.now()
    for (const el of document.querySelectorAll('time.countdown[data-due]')) {
      const due = Date.parse(el.getAttribute('data-due'))
      if (Number.isNaN(due)) continue
      const diff = due - now
      el.textContent =
        diff >= 0 ? `in ${formatDuration(diff)}` : `overdue by ${formatDuration(-diff)}`
      el.classList.toggle('overdue', diff <= 0)
    }
  }

  // Reply composer: lint as the user types (debounced) through the JSON endpoint; the server
  // lints again on send. Warnings are built with textContent, never innerHTML.
  function showLint(form, warnings) {
    const out = form.querySelector('[data-lint-output]')
    if (!out) return
    out.replaceChildren()
    form.dataset.lintWarnings = String(warnings.length)
    const override = form.querySelector('[data-override]')
    if (override) override.classList.toggle('override', warnings.length === 0)
    if (warnings.length === 0) return
    const box = document.createElement('div')
    box.className = 'notice error'
    box.setAttribute('role', 'alert')
    const title = document.createElement('strong')
    title.textContent = 'Privacy check: this reply would be public and it'
    const list = document.createElement('ul')
    for (const w of warnings) {
      const li = document.createElement('li')
      li.textContent = w
      list.append(li)
    }
    const hint = document.createElement('span')
    hint.textContent = 'Change the text, send it privately, or give a reason to send it anyway.'
    box.append(title, list, hint)
    out.append(box)
  }

  function setUpComposer(form) {
    const textarea = form.querySelector('textarea[name="text"]')
    const csrf = form.querySelector('input[name="_csrf"]')
    if (!textarea || form.dataset.composerReady) return
    form.dataset.composerReady = '1'
    let timer
    let seq = 0
    const lint = async () => {
      const mine = ++seq
      const visibility = form.querySelector('input[name="visibility"]:checked')?.value ?? 'public'
      try {
        const res = await fetch(form.getAttribute('data-lint-url'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf ? csrf.value : '' },
          body: JSON.stringify({ text: textarea.value, visibility }),
          credentials: 'same-origin',
        })
        if (!res.ok || mine !== seq) return
        const body = await res.json()
        showLint(form, Array.isArray(body.warnings) ? body.warnings : [])
      } catch {
        // Offline or the server is busy: the server lints again on send.
      }
    }
    const schedule = () => {
      clearTimeout(timer)
      timer = setTimeout(lint, 300)
    }
    textarea.addEventListener('input', schedule)
    for (const radio of form.querySelectorAll('input[name="visibility"]'))
      radio.addEventListener('change', schedule)
    // Saved replies are links that reload the page with the composer filled in; here they
    // fill the textarea in place, and the lint runs on the result as on typing.
    for (const link of form.querySelectorAll('a[data-saved-text]'))
      link.addEventListener('click', (event) => {
        event.preventDefault()
        textarea.value = link.getAttribute('data-saved-text') || ''
        textarea.focus()
        schedule()
      })
    form.querySelector('[data-take-private]')?.addEventListener('click', () => {
      textarea.value = form.getAttribute('data-private-text') || ''
      const privately = form.querySelector('input[name="visibility"][value="private"]')
      if (privately) privately.checked = true
      textarea.focus()
      schedule()
    })
  }

  function start() {
    drawCharts()
    if (charts.length > 0) watchPrint()
    for (const form of document.querySelectorAll('form[data-reply-composer]')) setUpComposer(form)
    // The live inbox swaps its list in place: set up the composers that came with it.
    document.addEventListener('earshot:inbox-updated', () => {
      for (const form of document.querySelectorAll('form[data-reply-composer]')) setUpComposer(form)
    })
    if (document.querySelector('time.countdown[data-due]')) setInterval(tickCountdowns, 30000)
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
})()
