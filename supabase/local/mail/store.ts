/**
 * The caught mail, kept in `<dataDir>/mail/` as `<ID>.eml` (the bytes received) and `<ID>.json` (what
 * the API shows, parsed once on arrival) so that it survives a restart, as Mailpit's database does.
 * The JSON is written after the .eml and by rename, so a crash never leaves a message without its source.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import type { Searchable } from './search.ts';

export interface Address {
  Name: string;
  Address: string;
}

export interface PartInfo {
  PartID: string;
  FileName: string;
  ContentType: string;
  ContentID: string;
  Size: number;
}

/** Mailpit's `Message`, plus the read flag, arrival time and order that the summaries need. */
export interface StoredMessage {
  ID: string;
  MessageID: string;
  Read: boolean;
  From: Address | null;
  To: Address[];
  Cc: Address[];
  Bcc: Address[];
  ReplyTo: Address[];
  ReturnPath: string;
  Subject: string;
  ListUnsubscribe: { Header: string; Links: string[]; Errors: string; HeaderPost: string };
  Date: string;
  Created: string;
  Tags: string[];
  Text: string;
  HTML: string;
  Size: number;
  Inline: PartInfo[];
  Attachments: PartInfo[];
  Snippet: string;
  /** Arrival order: `Created` has millisecond ties. */
  seq: number;
}

export interface Envelope {
  mailFrom: string;
  rcptTo: string[];
}

function addresses(value: AddressObject | AddressObject[] | undefined): Address[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: Address[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else out.push({ Name: entry.name ?? '', Address: entry.address ?? '' });
    }
  };
  for (const object of list) walk(object.value);
  return out;
}

function headerText(parsed: ParsedMail, name: string): string {
  const line = parsed.headerLines.find((header) => header.key === name);
  if (!line) return '';
  return line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** Inline parts are those a HTML body shows in place (`cid:`); Mailpit lists them apart from attachments. */
function isInline(attachment: Attachment): boolean {
  return attachment.contentDisposition === 'inline' && !!attachment.contentId;
}

function partInfo(attachment: Attachment, index: number): PartInfo {
  return {
    // Our PartIDs number the parts in document order; Mailpit uses the MIME path (e.g. "2" or "1.2").
    PartID: String(index + 1),
    FileName: attachment.filename ?? '',
    ContentType: attachment.contentType,
    ContentID: (attachment.contentId ?? '').replace(/^<|>$/g, ''),
    Size: attachment.size,
  };
}

function snippetOf(text: string, html: string): string {
  const source = text || html.replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ');
  const collapsed = source.replace(/\s+/g, ' ').trim();
  return collapsed.length > 250 ? `${collapsed.slice(0, 250)}...` : collapsed;
}

function newId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

export async function parseMessage(raw: Buffer, envelope: Envelope, seq: number): Promise<StoredMessage> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const to = addresses(parsed.to);
  const cc = addresses(parsed.cc);
  const shown = new Set([...to, ...cc].map((address) => address.Address.toLowerCase()));
  // Bcc never reaches the headers: as Mailpit does, recipients of the envelope no header names are Bcc.
  const bcc = [...addresses(parsed.bcc), ...envelope.rcptTo.filter((rcpt) => !shown.has(rcpt.toLowerCase())).map((rcpt) => ({ Name: '', Address: rcpt }))];
  const uniqueBcc = bcc.filter((address, index) => bcc.findIndex((other) => other.Address.toLowerCase() === address.Address.toLowerCase()) === index);
  const from = addresses(parsed.from)[0] ?? null;
  const text = parsed.text ?? '';
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const unsubscribe = headerText(parsed, 'list-unsubscribe');
  const inline: PartInfo[] = [];
  const attachments: PartInfo[] = [];
  parsed.attachments.forEach((attachment, index) => (isInline(attachment) ? inline : attachments).push(partInfo(attachment, index)));
  const now = new Date();
  return {
    ID: newId(),
    MessageID: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
    Read: false,
    From: from,
    To: to,
    Cc: cc,
    Bcc: uniqueBcc,
    ReplyTo: addresses(parsed.replyTo),
    ReturnPath: headerText(parsed, 'return-path').replace(/^<|>$/g, '') || envelope.mailFrom,
    Subject: parsed.subject ?? '',
    ListUnsubscribe: {
      Header: unsubscribe,
      Links: [...unsubscribe.matchAll(/<([^>]+)>/g)].map((match) => match[1]!),
      Errors: '',
      HeaderPost: headerText(parsed, 'list-unsubscribe-post'),
    },
    Date: (parsed.date ?? now).toISOString(),
    Created: now.toISOString(),
    Tags: [],
    Text: text,
    HTML: html,
    Size: raw.length,
    Inline: inline,
    Attachments: attachments,
    Snippet: snippetOf(text, html),
    seq,
  };
}

const listText = (list: Address[]) => list.map((address) => `${address.Name} ${address.Address}`).join(' ').toLowerCase();

export function searchable(message: StoredMessage): Searchable {
  const to = listText(message.To);
  const from = message.From ? listText([message.From]) : '';
  const cc = listText(message.Cc);
  const bcc = listText(message.Bcc);
  const subject = message.Subject.toLowerCase();
  return {
    to,
    from,
    cc,
    bcc,
    subject,
    messageId: message.MessageID.toLowerCase(),
    text: [to, from, cc, bcc, subject, message.Text.toLowerCase(), message.HTML.toLowerCase()].join('\n'),
    read: message.Read,
    attachments: message.Attachments.length,
  };
}

export class MailStore {
  private readonly dir: string;
  /** Oldest first. */
  private messages: StoredMessage[] = [];
  private seq = 0;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'mail');
    mkdirSync(this.dir, { recursive: true });
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        this.messages.push(JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as StoredMessage);
      } catch {
        // A file cut short by a crash mid-write is skipped, not a reason to refuse to start.
      }
    }
    this.messages.sort((a, b) => a.seq - b.seq);
    this.seq = this.messages.at(-1)?.seq ?? 0;
  }

  async add(raw: Buffer, envelope: Envelope): Promise<StoredMessage> {
    const message = await parseMessage(raw, envelope, ++this.seq);
    writeFileSync(join(this.dir, `${message.ID}.eml`), raw);
    this.writeJson(message);
    this.messages.push(message);
    return message;
  }

  private writeJson(message: StoredMessage): void {
    const path = join(this.dir, `${message.ID}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(message));
    renameSync(`${path}.tmp`, path);
  }

  /** Newest first. */
  list(): StoredMessage[] {
    return [...this.messages].reverse();
  }

  get(id: string): StoredMessage | undefined {
    return id === 'latest' ? this.messages.at(-1) : this.messages.find((message) => message.ID === id);
  }

  raw(message: StoredMessage): Buffer {
    return readFileSync(join(this.dir, `${message.ID}.eml`));
  }

  markRead(message: StoredMessage): void {
    if (message.Read) return;
    message.Read = true;
    this.writeJson(message);
  }

  /** Unknown IDs are ignored (only known ones ever name a file, so no ID can reach outside the folder). */
  delete(ids: Iterable<string>): void {
    const wanted = new Set(ids);
    const doomed = new Set(this.messages.filter((message) => wanted.has(message.ID)).map((message) => message.ID));
    for (const id of doomed) {
      rmSync(join(this.dir, `${id}.json`), { force: true });
      rmSync(join(this.dir, `${id}.eml`), { force: true });
    }
    this.messages = this.messages.filter((message) => !doomed.has(message.ID));
  }
}
