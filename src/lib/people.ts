/**
 * A person's display name out of the forms feeds write it in.
 *
 * Rules (feedparser's reading of RSS author strings):
 * - "Name (email)", "email (Name)", "Name <email>" and "email" with a `mailto:`
 *   prefix: the email address is taken out, what is left (without its brackets)
 *   is the name.
 * - A bare email address, with nothing else, is the name (better than none).
 * - Infrawire republishes names only, so the email never travels further.
 */

const EMAIL = /(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+/i;

export function personName(raw: string | undefined): string | undefined {
  const text = raw?.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  const email = EMAIL.exec(text);
  if (!email) return text;
  const rest = (text.slice(0, email.index) + text.slice(email.index + email[0].length))
    .replace(/\(\s*\)|<\s*>|\[\s*\]/g, '')
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  return rest || email[0].replace(/^mailto:/i, '');
}
