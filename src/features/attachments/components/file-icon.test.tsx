import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FileName } from './file-icon';

describe('FileName', () => {
  it('shows a name exactly as given: escaped, nothing stripped, the whole name in the title', () => {
    const html = renderToStaticMarkup(<FileName name={'../../etc/passwd "x".txt'} />);
    expect(html).toBe('<span class="block min-w-0 truncate whitespace-pre " title="../../etc/passwd &quot;x&quot;.txt">../../etc/passwd &quot;x&quot;.txt</span>');
  });

  it('never renders markup hidden in a name', () => {
    const html = renderToStaticMarkup(<FileName name={'<img src=x onerror=alert(1)>.png'} />);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.png');
  });

  it('keeps a long name whole in the title while the box cuts it with an ellipsis', () => {
    const long = `${'very long name '.repeat(16)}.log`;
    const html = renderToStaticMarkup(<FileName name={long} />);
    expect(html).toContain(`title="${long}"`);
    expect(html).toContain('truncate');
  });
});
