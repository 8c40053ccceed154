/**
 * @module The embeddable SVG badge, drawn by hand (two labelled boxes, like a shields.io badge)
 * because it is a dozen lines of markup and a library would add a font-metrics table we don't
 * need. Widths are estimated from the character count in a fixed font size; all text escaped.
 */
import { formatDuration, formatPercent } from '../views/format.js'
import type { PublicFigures } from './public-figures.js'

const CHAR_PX = 6.6
const PAD_PX = 10

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** "median 38m · 96.0% on time", or a plain message before the month has answers. */
export function badgeValue(f: PublicFigures): string {
  if (f.answered === 0 || f.onTimeShare === null) return 'no replies due yet this month'
  return `median ${formatDuration(f.medianBusinessMs)} · ${formatPercent(f.onTimeShare, 0)} on time`
}

export function renderBadgeSvg(f: PublicFigures): string {
  const label = 'replies this month'
  const value = badgeValue(f)
  const lw = Math.round(label.length * CHAR_PX + 2 * PAD_PX)
  const vw = Math.round(value.length * CHAR_PX + 2 * PAD_PX)
  const w = lw + vw
  const title = `${f.practiceName} — ${f.statement} ${f.monthLabel}: ${value}`
  const tone =
    f.onTimeShare === null
      ? '#64748b'
      : f.onTimeShare >= 0.9
        ? '#067647'
        : f.onTimeShare >= 0.75
          ? '#b54708'
          : '#b42318'
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${escapeXml(title)}">
<title>${escapeXml(title)}</title>
<rect width="${lw}" height="20" fill="#1e293b"/>
<rect x="${lw}" width="${vw}" height="20" fill="${tone}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="${PAD_PX}" y="14">${escapeXml(label)}</text>
<text x="${lw + PAD_PX}" y="14">${escapeXml(value)}</text>
</g>
</svg>
`
}
