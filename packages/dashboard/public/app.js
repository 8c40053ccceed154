/**
 * Earshot dashboard browser script. Served from /assets/app.js (the CSP allows only same-origin
 * scripts, never inline ones). It draws the charts whose Chart.js configuration the server put in
 * <script type="application/json"> blocks, and keeps inbox countdowns ticking.
 */
;(() => {
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
        // Printing resizes the page: redraw at print size so the report's charts are sharp.
        window.addEventListener('beforeprint', () => chart.resize())
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

  function start() {
    drawCharts()
    if (document.querySelector('time.countdown[data-due]')) setInterval(tickCountdowns, 30000)
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
})()
