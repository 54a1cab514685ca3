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
 * Only a refusal of the recipient is permanent: a 5xx to RCPT TO, a 5.1.x "bad mailbox" status, or an
 * address nodemailer cannot use at all. Everything else is temporary — a 4xx (greylisting, a full
 * mailbox), no connection, a timeout, and also a 5xx to our login, our sender or the content: those are
 * our configuration or this message, not the recipient's fault, and must not suppress the address.
 * They end dead after the retries, where an admin sees them.
 */
export function classifySmtpError(error: SmtpError): { permanent: boolean; error: string } {
  const code = error.responseCode;
  const text = (error.response ?? error.message ?? String(error)).replace(/[\r\n]+/g, ' ').slice(0, 500);
  const withCode = code && !text.startsWith(String(code)) ? `${code} ${text}` : text;
  const described = `${error.command ? `${error.command}: ` : ''}${withCode}`.trim() || 'sending failed';
  if (code !== undefined && code >= 400 && code < 500) return { permanent: false, error: described };
  const addressRefused =
    (error.command === 'RCPT TO' && (code === undefined || code >= 500)) ||
    (code !== undefined && code >= 500 && /\b5\.1\.\d\b/.test(text)) ||
    (error.command === 'API' && /^(Invalid recipient|No recipients)/.test(error.message ?? ''));
  return { permanent: addressRefused, error: described };
}
