import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SaveOutcome } from './save-outcome';

const render = (props: Partial<Parameters<typeof SaveOutcome>[0]>) =>
  renderToStaticMarkup(<SaveOutcome problem={undefined} failure={undefined} saved={false} className="mt-1" {...props} />);

describe('a saved row says how the save went', () => {
  it('says nothing before a save', () => {
    expect(render({})).toBe('');
  });

  it('says what to fix before what the server said', () => {
    const html = render({ problem: 'Enter a price.', failure: { error: new Error('The server said no.') } });
    expect(html).toContain('role="alert"');
    expect(html).toContain('Enter a price.');
    expect(html).not.toContain('The server said no.');
  });

  it('says why the server refused', () => {
    expect(render({ failure: { error: new Error('The server said no.') } })).toBe('<p role="alert" class="mt-1 text-red-800">The server said no.</p>');
  });

  it('says it was saved', () => {
    expect(render({ saved: true })).toBe('<p role="status" class="mt-1 text-green-800">Saved.</p>');
  });
});
