/** @jsxImportSource npm:react@19.3.1 */
/** @jsxImportSourceTypes npm:@types/react@19.3.0 */
/**
 * The HTML part of every mail, with React Email: one layout, filled from `mailContent` (content.ts), so
 * each kind differs only in what it says. React escapes every text it renders, so a ticket subject
 * `<script>…` arrives as text.
 *
 * Mail clients' rules, kept here: styles inline on each element (Gmail and Outlook drop <style> and never
 * load stylesheets), no images (nothing is fetched from elsewhere, so nothing is blocked or tracked), and
 * every text sits on a background this layout sets itself with its colour set too, so a client's dark mode,
 * which inverts or keeps both, never leaves dark text on a dark page; `color-scheme` tells clients the
 * mail copes with either.
 */
// The components one by one, at the versions @react-email/components 1.0.12 bundles, rather than that
// package itself: it also loads Prism (for its code block), which on finding itself in a Web Worker takes
// over the worker's `message` events, and the local functions runtime runs each function in one.
import { Body } from 'npm:@react-email/body@0.3.0';
import { Button } from 'npm:@react-email/button@0.2.1';
import { Container } from 'npm:@react-email/container@0.0.16';
import { Head } from 'npm:@react-email/head@0.0.13';
import { Hr } from 'npm:@react-email/hr@0.0.12';
import { Html } from 'npm:@react-email/html@0.0.12';
import { Link } from 'npm:@react-email/link@0.0.13';
import { Preview } from 'npm:@react-email/preview@0.0.14';
import { Section } from 'npm:@react-email/section@0.0.17';
import { Text } from 'npm:@react-email/text@0.1.6';
import { render } from 'npm:@react-email/render@2.0.6';
import type { CSSProperties } from 'npm:@types/react@19.3.0';
import { mailContent, mailText, type LinkBase, type MailContent } from './content.ts';
import type { OutboxMessage } from './message.ts';

const font = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const ink = '#111827';
const muted = '#4b5563';
const paper = '#ffffff';
const page = '#f3f4f6';
const brand = '#1d4ed8';

const styles = {
  body: { backgroundColor: page, color: ink, fontFamily: font, margin: '0', padding: '24px 0' },
  container: { backgroundColor: paper, color: ink, maxWidth: '560px', margin: '0 auto', padding: '32px', borderRadius: '8px', border: '1px solid #e5e7eb' },
  brand: { color: brand, fontSize: '14px', fontWeight: 700, letterSpacing: '0.04em', margin: '0 0 16px' },
  heading: { color: ink, fontSize: '22px', lineHeight: '30px', fontWeight: 700, margin: '0 0 16px' },
  text: { color: ink, fontSize: '15px', lineHeight: '24px', margin: '0 0 12px' },
  detailLabel: { color: muted, fontSize: '14px', lineHeight: '22px', padding: '2px 16px 2px 0', verticalAlign: 'top' },
  detailValue: { color: ink, fontSize: '14px', lineHeight: '22px', padding: '2px 0', fontWeight: 600 },
  quote: { backgroundColor: '#f9fafb', color: ink, borderLeft: `4px solid ${brand}`, padding: '12px 16px', margin: '16px 0' },
  quoteAuthor: { color: muted, fontSize: '13px', lineHeight: '20px', margin: '0 0 4px' },
  quoteText: { color: ink, fontSize: '15px', lineHeight: '24px', margin: '0', whiteSpace: 'pre-wrap' },
  listItem: { color: ink, fontSize: '14px', lineHeight: '22px', margin: '0 0 8px' },
  link: { color: brand, textDecoration: 'underline' },
  actions: { margin: '24px 0 8px' },
  primary: { backgroundColor: brand, color: '#ffffff', fontSize: '15px', fontWeight: 600, padding: '12px 20px', borderRadius: '6px', marginRight: '12px', border: `1px solid ${brand}` },
  secondary: { backgroundColor: paper, color: brand, fontSize: '15px', fontWeight: 600, padding: '12px 20px', borderRadius: '6px', border: `1px solid ${brand}` },
  note: { color: muted, fontSize: '13px', lineHeight: '20px', margin: '8px 0 0' },
  hr: { borderColor: '#e5e7eb', margin: '24px 0 16px' },
  footer: { color: muted, fontSize: '12px', lineHeight: '18px', margin: '0 0 6px' },
} satisfies Record<string, CSSProperties>;

export function MailLayout({ content }: { content: MailContent }) {
  const f = content.footer;
  return (
    <Html lang="en" dir="ltr">
      <Head>
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <title>{content.subject}</title>
      </Head>
      <Preview>{content.preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>PRO PORTAL</Text>
          <Text style={styles.heading}>{content.heading}</Text>
          {content.paragraphs.map((p, i) => (
            <Text key={i} style={styles.text}>{p}</Text>
          ))}
          {content.quote && (
            <Section style={styles.quote}>
              <Text style={styles.quoteAuthor}>{content.quote.author} wrote:</Text>
              <Text style={styles.quoteText}>{content.quote.text}</Text>
            </Section>
          )}
          {content.details.length > 0 && (
            <table role="presentation" cellPadding={0} cellSpacing={0} style={{ margin: '8px 0 16px', borderCollapse: 'collapse' }}>
              <tbody>
                {content.details.map((d, i) => (
                  <tr key={i}>
                    <td style={styles.detailLabel}>{d.label}</td>
                    <td style={styles.detailValue}>{d.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {content.list.map((item, i) => (
            <Text key={i} style={styles.listItem}>
              {item.href ? <Link href={item.href} style={styles.link}>{item.text}</Link> : item.text}
            </Text>
          ))}
          {content.actions.length > 0 && (
            <Section style={styles.actions}>
              {content.actions.map((a) => (
                <Button key={a.href} href={a.href} style={a.primary ? styles.primary : styles.secondary}>{a.label}</Button>
              ))}
            </Section>
          )}
          {content.note && <Text style={styles.note}>{content.note}</Text>}
          <Hr style={styles.hr} />
          {f.replyHint && <Text style={styles.footer}>{f.replyHint}</Text>}
          {f.whyAlwaysSent && <Text style={styles.footer}>{f.whyAlwaysSent}</Text>}
          <Text style={styles.footer}>
            <Link href={f.preferencesUrl} style={styles.link}>Choose which e-mails you get</Link>
            {f.unsubscribe && (
              <>
                {' · '}
                <Link href={f.unsubscribe.href} style={styles.link}>Unsubscribe from “{f.unsubscribe.label}” e-mails</Link>
              </>
            )}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** A claimed message as a mail: its subject (one line), HTML and plain text. */
export async function renderMail(message: OutboxMessage, base: LinkBase): Promise<RenderedMail> {
  const content = mailContent(message, base);
  const html = await render(<MailLayout content={content} />);
  return { subject: content.subject, html, text: mailText(content) };
}
