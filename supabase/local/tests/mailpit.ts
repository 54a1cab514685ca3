/**
 * Reading mail through Mailpit's HTTP API, as tests written for the Supabase CLI's Mailpit do, so the
 * same calls work against the local catcher and the real thing.
 */

export interface MailpitMessage {
  ID: string;
  Subject: string;
  From: { Name: string; Address: string };
  To: Array<{ Name: string; Address: string }>;
  HTML: string;
  Text: string;
}

interface SearchResult {
  messages_count: number;
  messages: Array<{ ID: string; Created: string }>;
}

/** Every message to `address`, newest first (summaries only). */
export async function searchTo(mailUrl: string, address: string): Promise<SearchResult['messages']> {
  const response = await fetch(`${mailUrl}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
  if (!response.ok) throw new Error(`Mailpit search failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as SearchResult).messages;
}

/**
 * The newest message to `address` once there are at least `count` of them (mail leaves Auth after its
 * answer, so it may take a moment to arrive).
 */
export async function latestMail(mailUrl: string, address: string, { count = 1, timeoutMs = 10_000 } = {}): Promise<MailpitMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await searchTo(mailUrl, address);
    if (messages.length >= count) {
      const response = await fetch(`${mailUrl}/api/v1/message/${messages[0]!.ID}`);
      if (!response.ok) throw new Error(`Mailpit message ${messages[0]!.ID}: ${response.status}`);
      return (await response.json()) as MailpitMessage;
    }
    if (Date.now() > deadline) throw new Error(`no mail #${count} to ${address} within ${timeoutMs} ms (found ${messages.length})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first `href` in the HTML body, entity-decoded as a browser would read it. */
export function firstLink(message: MailpitMessage): string {
  const match = /href="([^"]+)"/.exec(message.HTML);
  if (!match) throw new Error(`no link in "${message.Subject}"`);
  return match[1]!.replace(/&amp;/g, '&').replace(/&#34;/g, '"').replace(/&#39;/g, "'");
}
