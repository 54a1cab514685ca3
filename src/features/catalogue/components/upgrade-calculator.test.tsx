import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { VersionSelects } from './upgrade-calculator';

const releases = [
  { version: '4.3.1', released_on: null, position: 1 },
  { version: '4.3.9', released_on: null, position: 2 },
];

/** The options of the select named `name`, as [value, text] pairs. */
function options(html: string, name: string) {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>(.*?)</select>`).exec(html)?.[1] ?? '';
  return [...select.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((match) => [match[1], match[2]]);
}

describe('the version pickers', () => {
  it('offer every release in order after a choice of none, in both pickers', () => {
    const html = renderToStaticMarkup(<VersionSelects releases={releases} from="" to="" onChange={() => undefined} />);
    const expected = [
      ['', 'Choose a version'],
      ['4.3.1', '4.3.1'],
      ['4.3.9', '4.3.9'],
    ];
    expect(options(html, 'upgrade_from')).toEqual(expected);
    expect(options(html, 'upgrade_to')).toEqual(expected);
  });

  it('say "Not an upgrade" for none where the upgrade is optional', () => {
    const html = renderToStaticMarkup(<VersionSelects releases={releases} from="" to="" onChange={() => undefined} optional />);
    expect(options(html, 'upgrade_from')[0]).toEqual(['', 'Not an upgrade']);
    expect(options(html, 'upgrade_to')[0]).toEqual(['', 'Not an upgrade']);
  });
});
