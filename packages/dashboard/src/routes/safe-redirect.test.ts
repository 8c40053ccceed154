import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { localPath } from './safe-redirect.js'

describe('localPath', () => {
  it('keeps paths on this site', () => {
    expect(localPath('/mentions?practice=p1#top', '/')).toBe('/mentions?practice=p1#top')
    expect(localPath('/settings/channels', '/')).toBe('/settings/channels')
  })

  it.each([
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/ /evil.example',
    '\t//evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '/\u0000/evil.example',
  ])('refuses %j, which a browser can read as another site', (target) => {
    expect(localPath(target, '/')).toBe('/')
  })

  it('never returns something a browser resolves off-site', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('/', '\\', '\t', '\n', ' ', 'e', '.', ':', '@', '%') }),
        (tail) => {
          const out = localPath(`/${tail}`, '/')
          // What browsers do before resolving: strip tab/newline, read backslash as slash.
          const asBrowserSees = out.replace(/[\t\n\r]/g, '').replace(/\\/g, '/')
          expect(new URL(asBrowserSees, 'https://site.example').origin).toBe('https://site.example')
        },
      ),
    )
  })
})
