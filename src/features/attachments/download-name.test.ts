import { describe, expect, it } from 'vitest';
import { withDownloadName } from './download-name';

describe('withDownloadName', () => {
  it('appends the name encoded once, so the server hands back exactly the name given', () => {
    const url = withDownloadName('http://127.0.0.1:54321/storage/v1/object/sign/attachments/t/a?token=x.y.z', '../../etc/passwd "x" é.txt');
    expect(url).toBe('http://127.0.0.1:54321/storage/v1/object/sign/attachments/t/a?token=x.y.z&download=..%2F..%2Fetc%2Fpasswd%20%22x%22%20%C3%A9.txt');
    expect(new URL(url).searchParams.get('download')).toBe('../../etc/passwd "x" é.txt');
  });

  it('keeps & and = inside the name', () => {
    expect(new URL(withDownloadName('http://h/s?token=t', 'a&download=b.txt')).searchParams.getAll('download')).toEqual(['a&download=b.txt']);
  });
});
