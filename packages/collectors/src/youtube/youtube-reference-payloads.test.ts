import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { mentionInputSchema } from '@earshot/core'
import { describe, expect, it } from 'vitest'
import { mapComment, mapThread, youtubeClassifier } from './youtube-collector.js'

const REFERENCE = fileURLToPath(
  new URL('../../../../../shared/reference/payloads/youtube/', import.meta.url),
)
const channel = {
  id: 'ch',
  organisationId: 'o',
  practiceId: 'p',
  platform: 'youtube' as const,
  externalAccountId: 'UCnone',
  ownIdentities: ['UCnone'],
}
const read = (name: string) =>
  JSON.parse(readFileSync(`${REFERENCE}${name}`, 'utf8')) as Record<string, unknown>

describe.runIf(existsSync(REFERENCE))('youtube parsers on real payloads (shared/reference)', () => {
  it.each([
    'commentthreads-by-video-page1-next-token.json',
    'commentthreads-all-related-to-channel-mixed.json',
  ])('maps every thread of %s', (file) => {
    const page = read(file) as { items: Record<string, unknown>[] }
    for (const thread of page.items) {
      const [top, ...replies] = mapThread(thread, channel)
      expect(mentionInputSchema.safeParse(top).success).toBe(true)
      expect(top).toMatchObject({ kind: 'comment', threadKey: thread.id })
      for (const reply of replies)
        expect(reply).toMatchObject({
          kind: 'reply',
          threadKey: thread.id,
          parentExternalId: top!.externalId,
        })
    }
  })

  it('maps a thread with an edited top-level comment and partial inline replies', () => {
    const thread = read('commentthread-with-replies-edited-toplevel.json')
    const [top, ...replies] = mapThread(thread, channel)
    expect(top).toHaveProperty('editedAt')
    expect(replies.length).toBeGreaterThan(0)
  })

  it('maps paged replies from comments.list', () => {
    for (const file of [
      'comments-replies-by-parent-page1.json',
      'comments-replies-by-parent-page2-last.json',
    ]) {
      const page = read(file) as { items: Record<string, unknown>[] }
      for (const comment of page.items)
        expect(mapComment(comment, 'thread', undefined, channel)).toMatchObject({
          kind: 'reply',
          threadKey: 'thread',
        })
    }
  })

  it('reads an invalid API key as an auth error and a permission error as a plain client error', () => {
    const keyInvalid = read('error-400-keyinvalid.json')
    expect(
      youtubeClassifier({
        status: 400,
        headers: new Headers(),
        text: '',
        json: keyInvalid,
        now: 0,
      }),
    ).toMatchObject({ kind: 'auth', platformCode: 'keyInvalid' })
    const denied = read('error-403-permission-denied.json')
    expect(
      youtubeClassifier({ status: 403, headers: new Headers(), text: '', json: denied, now: 0 }),
    ).toBeUndefined()
  })
})
