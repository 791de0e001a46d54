/** Generated feed bodies for the pool tests: big enough to be slow or to exhaust a small worker heap. */

/** An RSS feed of `items` items, each with a body of about `bodyBytes` of HTML. */
export function hugeFeed(items: number, bodyBytes: number): string {
  const paragraph = '<p>Nvidia GPU cluster news from the data center campus, with <b>bold</b> and <a href="/x">links</a>.</p>';
  const body = paragraph.repeat(Math.max(1, Math.ceil(bodyBytes / paragraph.length)));
  const parts = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title><link>http://127.0.0.1/</link>'];
  for (let i = 0; i < items; i++) {
    parts.push(`<item><title>Story ${i}</title><link>http://127.0.0.1/story/${i}</link><guid>g${i}</guid><pubDate>Fri, 27 Nov 2026 08:00:00 GMT</pubDate><description><![CDATA[${body}]]></description></item>`);
  }
  parts.push('</channel></rss>');
  return parts.join('\n');
}
