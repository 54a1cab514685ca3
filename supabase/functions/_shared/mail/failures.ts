/**
 * How a failed send is treated. Plain TypeScript, so the Node tests check it.
 */

export interface SmtpError {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * 5xx to RCPT TO (or a 5.1.x "bad mailbox" status anywhere) is about the address: permanent. Any other
 * 5xx (a refused login, a refused sender, content refused) is our configuration or this message, not
 * the recipient's address, which must not be suppressed for it: temporary, so it ends dead after the
 * retries and an admin sees it.
 */
export function classifySmtpError(error: SmtpError): { permanent: boolean; error: string } {
  const code = error.responseCode;
  const text = (error.response ?? error.message ?? String(error)).replace(/[\r\n]+/g, ' ').slice(0, 500);
  const described = `${error.command ? `${error.command}: ` : ''}${code ? `${code} ` : ''}${text}`.trim();
  if (error.code === 'EENVELOPE') return { permanent: true, error: described };
  if (code !== undefined && code >= 500 && code < 600) {
    const badMailbox = /\b5\.1\.\d\b/.test(text);
    return { permanent: error.command === 'RCPT TO' || badMailbox, error: described };
  }
  return { permanent: false, error: described || 'sending failed' };
}
