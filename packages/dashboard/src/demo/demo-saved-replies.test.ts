import { lintReply } from '@earshot/core'
import { describe, expect, it } from 'vitest'
import { SAMPLE_VALUES } from '../replies/saved-reply-form.js'
import { renderTemplate, templateErrors } from '../replies/saved-reply-template.js'
import { DEMO_PRACTICE_BOOKING, DEMO_SAVED_REPLIES } from './demo-saved-replies.js'

describe('demo saved replies', () => {
  it.each([...DEMO_SAVED_REPLIES, DEMO_PRACTICE_BOOKING].map((r) => [r.title, r.body]))(
    '"%s" names only known variables and passes the reply lint',
    (_title, body) => {
      expect(templateErrors(body)).toEqual([])
      const rendered = renderTemplate(body, SAMPLE_VALUES)
      expect(rendered.missing).toEqual([])
      expect(lintReply(rendered.text)).toEqual([])
    },
  )
})
