/**
 * Renders every sample (samples.ts) and prints `[{ name, subject, html, text, headers }]` as JSON: the
 * Node tests (supabase/tests/mail-templates.unit.test.ts) run this with the project's Deno, as the
 * functions run the templates, and check the output. Not part of any function.
 */
import { notificationHeaders } from './headers.ts';
import { SAMPLE_SITE_URL, SAMPLES } from './samples.ts';
import { mailSettings } from './settings.ts';
import { renderMail } from './templates.tsx';

const env: Record<string, string> = {
  SUPABASE_URL: 'https://project.supabase.example',
  SITE_URL: SAMPLE_SITE_URL,
  INBOUND_EMAIL_DOMAIN: 'reply.example.com',
  MAIL_FROM: 'Pro Portal <support@example.com>',
};
const settings = mailSettings((name) => env[name]);
const out = [];
for (const { name, message } of SAMPLES) {
  const mail = await renderMail(message, { siteUrl: settings.siteUrl });
  out.push({ name, kind: message.kind, ...mail, headers: await notificationHeaders(message, settings) });
}
console.log(JSON.stringify(out));
