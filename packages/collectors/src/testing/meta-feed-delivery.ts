/**
 * @module A Meta (Facebook Page) webhook body carrying one new comment, shaped like
 * `../shared/reference/payloads` shows Meta sending it: what webhook tests store and drain.
 */

/** One comment on Page `pageId`: its id is `<pageId>_<commentId>`, its post `<pageId>_<postId>`. */
export interface MetaFeedCommentOptions {
  pageId?: string
  commentId: string
  message?: string
  postId?: string
  /** Unix seconds. */
  createdTime?: number
}

/** The JSON text of a `feed` change delivering one comment (defaults: Page 1111, post 1). */
export function metaFeedCommentBody(options: MetaFeedCommentOptions): string {
  const { pageId = '1111', commentId, message = 'Hvala!', postId = '1' } = options
  return JSON.stringify({
    object: 'page',
    entry: [
      {
        id: pageId,
        time: 1735800000,
        changes: [
          {
            field: 'feed',
            value: {
              item: 'comment',
              verb: 'add',
              comment_id: `${pageId}_${commentId}`,
              post_id: `${pageId}_${postId}`,
              parent_id: `${pageId}_${postId}`,
              from: { id: `u-${commentId}`, name: 'Ana K' },
              message,
              created_time: options.createdTime ?? 1735799990,
            },
          },
        ],
      },
    ],
  })
}
