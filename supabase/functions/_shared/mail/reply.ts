/**
 * Replies by e-mail: what the person actually wrote, without the quoted mail below it or their
 * signature, and the reply token in the address they wrote to. Plain TypeScript with no imports (Deno
 * and the Node tests share it).
 *
 * Mail clients mark the quoted history in several ways, and only the first line of it matters: everything
 * from there on is the old mail. The markers recognised are the attribution line ("On <date>, <name>
 * wrote:", also wrapped over two or three lines and in a few other languages), Outlook's
 * "-----Original Message-----" and its "From: … / Sent: …" header block, a line of underscores before
 * such a block, forwarded-message banners, and ">" quoted lines anywhere. Signatures end the reply at the
 * standard "-- " delimiter or at a mobile client's "Sent from my …" line.
 */

const ATTRIBUTION_END = [
  /\bwrote:\s*$/i, // English
  /\bschrieb\b.*:\s*$/i, // German: "Am … schrieb …:"
  /\ba écrit\s*:\s*$/i, // French: "Le … a écrit :"
  /\bescribió\s*:\s*$/i, // Spanish: "El … escribió:"
  /\bschreef\b.*:\s*$/i, // Dutch: "Op … schreef …:"
  /\bha scritto\s*:\s*$/i, // Italian: "Il … ha scritto:"
];
const ATTRIBUTION_START = /^(On|Am|Le|El|Op|Il)\s/i;

const BANNERS = [
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^Begin forwarded message:\s*$/i,
  /^_{10,}\s*$/, // Outlook puts a rule of underscores above the quoted header block
];

/** Outlook and many webmails quote with a header block instead of an attribution line. */
const HEADER_BLOCK_START = /^\*?(From|Von|De|Van):\*?\s/i;
const HEADER_BLOCK_NEXT = /^\*?(Sent|Date|Gesendet|Datum|Envoyé|Enviado|Verzonden|To|An|À|Para|Aan|Subject|Betreff|Objet|Asunto|Onderwerp):\*?\s/i;

const SIGNATURE_DELIMITER = /^-- ?$/;
const MOBILE_SIGNATURE = [
  /^Sent from my [\w\s.-]{2,40}$/i,
  /^Sent from (Mail|Outlook|Yahoo Mail|Gmail|Proton Mail)\b.*$/i,
  /^Sent with Proton Mail\b.*$/i,
  /^Get Outlook for (iOS|Android)\s*$/i,
  /^Von meinem [\w\s.-]{2,40} gesendet$/i,
  /^Envoyé de mon [\w\s.-]{2,40}$/i,
];

/** The index of the line where an attribution starting at `i` ends (it may wrap), or -1. */
function attributionEnd(lines: string[], i: number): number {
  const first = lines[i]?.trim() ?? '';
  if (!ATTRIBUTION_START.test(first)) return -1;
  // Long names and addresses make clients wrap the attribution over up to three lines.
  let joined = '';
  for (let j = i; j < Math.min(lines.length, i + 3); j++) {
    const line = lines[j]?.trim() ?? '';
    if (j > i && line === '') break;
    joined = j === i ? line : `${joined} ${line}`;
    // A date or an address: what tells "On Monday … wrote:" in the person's own text from a client's line.
    if (ATTRIBUTION_END.some((end) => end.test(joined)) && /[\d@]/.test(joined)) return j;
  }
  return -1;
}

function isHeaderBlock(lines: string[], i: number): boolean {
  if (!HEADER_BLOCK_START.test(lines[i]?.trim() ?? '')) return false;
  for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
    if (HEADER_BLOCK_NEXT.test(lines[j]?.trim() ?? '')) return true;
  }
  return false;
}

/**
 * The reply's own text: line endings normalised, quoted history and signature removed, trailing blank
 * lines and spaces trimmed. Empty when nothing of the person's own is left.
 */
export function stripReply(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (attributionEnd(lines, i) >= 0) break;
    if (BANNERS.some((banner) => banner.test(trimmed))) break;
    if (isHeaderBlock(lines, i)) break;
    // The delimiter is exactly "-- " (RFC 3676); many clients drop its space, so "--" counts too.
    if (SIGNATURE_DELIMITER.test(line.trimStart())) break;
    if (MOBILE_SIGNATURE.some((signature) => signature.test(trimmed))) break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line.replace(/\s+$/, ''));
  }
  return kept.join('\n').replace(/^\n+/, '').replace(/\n{3,}/g, '\n\n').trim();
}

/** Tokens are random and URL-safe; anything else in that place is not one of ours. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * The reply token in `reply+<token>@<domain>` among `recipients` (an envelope recipient, or a header's
 * comma-separated list with display names), or null. The domain must be ours, compared without case.
 */
export function replyTokenOf(recipients: string, domain: string): string | null {
  return plusTokenOf(recipients, 'reply', domain);
}

/** `unsubscribe+<kind>.<token>@<domain>`: the mailto in List-Unsubscribe. */
export function unsubscribeAddressOf(recipients: string, domain: string): { kind: string; token: string } | null {
  const tag = plusTokenOf(recipients, 'unsubscribe', domain, /^[a-z_]{1,40}\.[A-Za-z0-9_-]{16,128}$/);
  if (!tag) return null;
  const dot = tag.indexOf('.');
  return { kind: tag.slice(0, dot), token: tag.slice(dot + 1) };
}

function plusTokenOf(recipients: string, mailbox: string, domain: string, pattern = TOKEN): string | null {
  const wanted = domain.toLowerCase();
  for (const match of recipients.matchAll(/([A-Za-z0-9._+-]+)@([A-Za-z0-9.-]+)/g)) {
    const [, local = '', host = ''] = match;
    if (host.toLowerCase() !== wanted) continue;
    const plus = local.indexOf('+');
    if (plus < 0 || local.slice(0, plus).toLowerCase() !== mailbox) continue;
    const tag = local.slice(plus + 1);
    if (pattern.test(tag)) return tag;
  }
  return null;
}

/** The bare address in a From header (`"Name" <a@b.c>` or `a@b.c`), lower-cased; null if there is none. */
export function senderAddress(from: string): string | null {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(from);
  const bare = angle?.[1] ?? /([^\s<>"',;]+@[^\s<>"',;]+)/.exec(from)?.[1];
  return bare ? bare.toLowerCase() : null;
}
