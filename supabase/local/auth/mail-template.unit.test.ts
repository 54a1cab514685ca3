/** The Go template subset of Auth's mail templates: GoTrue's variables, HTML escaping, conditions, refusals. */
import { describe, expect, it } from 'vitest';
import { render, TemplateError } from './mail-template.ts';
import { AuthMailer, DEFAULT_BODIES, DEFAULT_SUBJECTS, verifyLink } from './mail.ts';
import type { ServiceContext } from '../core/service.ts';

describe('render', () => {
  it('fills GoTrue variables and nested .Data keys, escaping as html/template does', () => {
    const out = render('<a href="{{ .ConfirmationURL }}">{{ .Email }}</a> {{ .Data.name }} {{ .Missing }}', {
      ConfirmationURL: 'http://x/verify?token=a&type=signup',
      Email: 'o\'neil@example.com',
      Data: { name: '<b>Ada</b>' },
    });
    expect(out).toBe('<a href="http://x/verify?token=a&amp;type=signup">o&#39;neil@example.com</a> &lt;b&gt;Ada&lt;/b&gt; ');
  });

  it('handles if / else if / else with not, eq, ne, and, or, and trims with {{- -}}', () => {
    const template =
      '{{ if eq .Data.plan "pro" }}Pro{{ else if not .Data.plan }}None{{ else }}Other{{ end }}|' +
      '{{ if and .A .B }}both{{ end }}{{ if or .A .B }}one{{ end }}{{ if ne .A "x" }}!{{ end }}|  {{- " t " -}}  |';
    expect(render(template, { Data: { plan: 'pro' }, A: 'x', B: '' })).toBe('Pro|one| t |');
    expect(render(template, { Data: {}, A: 'a', B: 'b' })).toBe('None|bothone!| t |');
    expect(render(template, { Data: { plan: 'team' } })).toBe('Other|!| t |');
  });

  it('refuses what it cannot run, instead of mailing the raw template', () => {
    expect(() => render('{{ range .Data }}x{{ end }}', {})).toThrow(TemplateError);
    expect(() => render('{{ if .A }}open', {})).toThrow('{{ if }} without {{ end }}');
    expect(() => render('{{ end }}', {})).toThrow('{{ end }} without {{ if }}');
    expect(() => render('{{ printf "%s" .A }}', {})).toThrow(TemplateError);
  });

  it("renders every default subject and body with GoTrue's data", () => {
    for (const [kind, subject] of Object.entries(DEFAULT_SUBJECTS)) {
      const data = { Token: '123456', ConfirmationURL: 'http://x', Email: 'new@x.test', OldEmail: 'old@x.test', NewEmail: 'new@x.test', Data: {} };
      expect(render(subject, data), kind).not.toContain('{{');
      expect(render(DEFAULT_BODIES[kind as keyof typeof DEFAULT_BODIES], data), kind).not.toContain('{{');
    }
    expect(render(DEFAULT_SUBJECTS.reauthentication, { Token: '042042' })).toBe('042042 is your verification code');
  });
});

describe('verifyLink', () => {
  const ctx = { apiUrl: 'http://127.0.0.1:54321' } as ServiceContext;
  it("writes GoTrue's link, escaping redirect_to only when it holds & = or #", () => {
    expect(verifyLink(ctx, 'abc', 'signup', 'http://localhost:5173/welcome')).toBe(
      'http://127.0.0.1:54321/auth/v1/verify?token=abc&type=signup&redirect_to=http://localhost:5173/welcome',
    );
    expect(verifyLink(ctx, 'abc', 'recovery', 'http://localhost:5173/a?b=c&d=e')).toBe(
      'http://127.0.0.1:54321/auth/v1/verify?token=abc&type=recovery&redirect_to=http%3A%2F%2Flocalhost%3A5173%2Fa%3Fb%3Dc%26d%3De',
    );
  });
});

describe('AuthMailer', () => {
  const withTemplates = (templates: Record<string, { subject?: string; content?: string }>) =>
    ({ config: { auth: { email: { templates } } } }) as unknown as ServiceContext;

  it("refuses a project template it cannot run when the stack starts, naming config.toml's key", () => {
    expect(() => new AuthMailer(withTemplates({ invite: { subject: 'Hi', content: '{{ range .Data }}x{{ end }}' } }))).toThrow(
      'config.toml: [auth.email.template.invite] content_path: unsupported "{{ range .Data }}"',
    );
    expect(() => new AuthMailer(withTemplates({ password_changed: { subject: '{{ if .Email }}' } }))).toThrow(
      'config.toml: [auth.email.notification.password_changed] subject: {{ if }} without {{ end }}',
    );
    expect(() => new AuthMailer(withTemplates({ mfa_factor_enrolled: { content: '{{ if .FactorType }}' } }))).toThrow(
      'config.toml: [auth.email.notification.mfa_factor_enrolled] content_path: {{ if }} without {{ end }}',
    );
    expect(() => new AuthMailer(withTemplates({ recovery: { subject: 'Reset for {{ .Email }}' } }))).not.toThrow();
  });
});
