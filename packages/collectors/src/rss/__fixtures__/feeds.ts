/**
 * @module Fake feeds in the shapes WordPress and Google Alerts emit (written for these tests):
 * a WordPress RSS 2.0 comment feed (`guid` = post guid + `#comment-N`, `dc:creator`, CDATA) and a
 * Google Alerts Atom feed (escaped HTML titles, redirect links, empty author).
 */
import type { FakeHandler, FakeResponse } from '../../testing/fake-server.js'

export const WORDPRESS_COMMENTS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Comments for Smile Dental</title>
  <link>https://smiledental.example</link>
  <description>Dental care in Bondi</description>
  <lastBuildDate>Mon, 06 Jan 2025 11:00:00 +0000</lastBuildDate>
  <item>
    <title>Comment on Whitening FAQ by Ana K</title>
    <link>https://smiledental.example/whitening-faq/#comment-45</link>
    <dc:creator><![CDATA[Ana K]]></dc:creator>
    <pubDate>Mon, 06 Jan 2025 09:15:00 +0000</pubDate>
    <guid isPermaLink="false">https://smiledental.example/?p=123#comment-45</guid>
    <description><![CDATA[Is it safe during pregnancy?]]></description>
    <content:encoded><![CDATA[<p>Is it safe during pregnancy?</p>]]></content:encoded>
  </item>
  <item>
    <title>Comment on Whitening FAQ by Smile Dental Team</title>
    <link>https://smiledental.example/whitening-faq/#comment-46</link>
    <dc:creator><![CDATA[Smile Dental Team]]></dc:creator>
    <pubDate>Mon, 06 Jan 2025 10:05:00 +0000</pubDate>
    <guid isPermaLink="false">https://smiledental.example/?p=123#comment-46</guid>
    <description><![CDATA[Hi Ana, we recommend waiting &#8211; please call us to talk it through.]]></description>
    <content:encoded><![CDATA[<p>Hi Ana, we recommend waiting &#8211; please call us to talk it through.</p>]]></content:encoded>
  </item>
  <item>
    <title>Comment on Braces for adults by Ben T</title>
    <link>https://smiledental.example/braces/#comment-47</link>
    <dc:creator><![CDATA[Ben T]]></dc:creator>
    <pubDate>Mon, 06 Jan 2025 10:30:00 +0000</pubDate>
    <guid isPermaLink="false">https://smiledental.example/?p=130#comment-47</guid>
    <description><![CDATA[How long does it take &amp; does it hurt?]]></description>
  </item>
</channel>
</rss>
`

export const RSS_IDS = ['https://smiledental.example/?p=123#comment-45', 'https://smiledental.example/?p=123#comment-46', 'https://smiledental.example/?p=130#comment-47']

export const GOOGLE_ALERTS = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2005:reader/user/00000000000000000000/state/com.google/alerts/1111111111111111111</id>
  <title>Google Alert - &quot;Smile Dental&quot; Bondi</title>
  <updated>2025-01-06T11:53:37Z</updated>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:8974135267215335962</id>
    <title type="html">&lt;b&gt;Smile Dental&lt;/b&gt; Bondi named in local awards</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://news.example/bondi-awards&amp;ct=ga&amp;cd=CAIy&amp;usg=AFQ"/>
    <published>2025-01-06T11:53:37Z</published>
    <updated>2025-01-06T11:53:37Z</updated>
    <content type="html">Local practice &lt;b&gt;Smile Dental&lt;/b&gt; was recognised&amp;nbsp;...</content>
    <author><name/></author>
  </entry>
</feed>
`

/** Serves the comment feed with an ETag and answers 304 when it matches. */
export const feedApi: FakeHandler = (req): FakeResponse => {
  if (req.path === '/comments/feed/') {
    if (req.headers['if-none-match'] === '"v1"') return { status: 304, body: '' }
    return { headers: { 'content-type': 'application/rss+xml; charset=UTF-8', etag: '"v1"', 'last-modified': 'Mon, 06 Jan 2025 11:00:00 GMT' }, body: WORDPRESS_COMMENTS }
  }
  if (req.path === '/alerts') return { headers: { 'content-type': 'application/atom+xml' }, body: GOOGLE_ALERTS }
  return { status: 404, body: 'not found' }
}
