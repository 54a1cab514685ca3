import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SelectField, TextAreaField } from './fields';
import { TextField } from './text-field';

/** The control's aria-describedby, and the ids of the paragraphs under it. */
function wiring(html: string) {
  const describedBy = /aria-describedby="([^"]*)"/.exec(html)?.[1]?.split(' ') ?? [];
  const paragraphIds = [...html.matchAll(/<p id="([^"]+)"/g)].map((match) => match[1]);
  return { describedBy, paragraphIds, invalid: html.includes('aria-invalid="true"') };
}

describe('form fields', () => {
  const fields = {
    TextField: (props: { description?: string; error?: string }) => <TextField label="Subject" name="subject" {...props} />,
    TextAreaField: (props: { description?: string; error?: string }) => <TextAreaField label="Body" name="body" {...props} />,
    SelectField: (props: { description?: string; error?: string }) => (
      <SelectField label="Version" name="version" {...props}>
        <option value="">Choose</option>
      </SelectField>
    ),
  };

  for (const [name, Render] of Object.entries(fields)) {
    it(`${name} points its control at its hint and its error`, () => {
      const both = wiring(renderToStaticMarkup(<Render description="A hint" error="Wrong" />));
      expect(both.describedBy).toHaveLength(2);
      expect(both.describedBy).toEqual(both.paragraphIds);
      expect(both.invalid).toBe(true);

      const hintOnly = wiring(renderToStaticMarkup(<Render description="A hint" />));
      expect(hintOnly.describedBy).toEqual(hintOnly.paragraphIds);
      expect(hintOnly.describedBy[0]).toMatch(/-description$/);
      expect(hintOnly.invalid).toBe(false);

      const bare = renderToStaticMarkup(<Render />);
      expect(bare).not.toContain('aria-describedby');
      expect(bare).not.toContain('<p');
    });

    it(`${name} labels its control`, () => {
      const html = renderToStaticMarkup(<Render />);
      const labelFor = /<label for="([^"]+)"/.exec(html)?.[1];
      expect(labelFor).toBeTruthy();
      expect(html).toContain(`id="${labelFor}"`);
    });
  }
});
