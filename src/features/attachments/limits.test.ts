import { describe, expect, it } from 'vitest';
import { checkFiles, type AttachmentLimits } from './limits';

const MB = 1024 * 1024;
const limits: AttachmentLimits = {
  max_file_bytes: 25 * MB,
  max_ticket_bytes: 200 * MB,
  refused_extensions: ['exe', 'msi', 'bat', 'sh', '.ps1'],
  refused_types: ['application/x-msdownload', 'application/x-sh'],
};
const file = (name: string, size: number, type = '') => ({ name, size, type });

describe('checkFiles', () => {
  it('accepts files within the limits, a zero-byte one included', () => {
    const files = [file('shot.png', 2 * MB, 'image/png'), file('empty.log', 0), file('big.zip', 25 * MB)];
    expect(checkFiles(files, limits, 0)).toEqual({ accepted: files, refused: [] });
  });

  it('refuses a file over the per-file limit and says both sizes', () => {
    const { accepted, refused } = checkFiles([file('dump.bin', 25 * MB + 1)], limits, 0);
    expect(accepted).toEqual([]);
    expect(refused[0]?.refusal.reason).toBe('too_big');
    expect(refused[0]?.refusal.message).toBe(
      '“dump.bin” was not attached: it is 26214401 bytes, and a file can be at most 26214400 bytes. Compress it or send a smaller part.',
    );
    expect(checkFiles([file('video.mp4', 40 * MB)], limits, 0).refused[0]?.refusal.message).toContain('it is 40 MB, and a file can be at most 25 MB.');
  });

  it('refuses refused extensions in any case, and refused types whatever the name', () => {
    const { refused } = checkFiles([file('Setup.EXE', 10), file('run.ps1', 10), file('innocent.bin', 10, 'application/x-msdownload'), file('a.txt', 10, 'text/plain')], limits, 0);
    expect(refused.map((entry) => [entry.file.name, entry.refusal.reason])).toEqual([
      ['Setup.EXE', 'refused_type'],
      ['run.ps1', 'refused_type'],
      ['innocent.bin', 'refused_type'],
    ]);
    expect(refused[0]?.refusal.message).toMatch(/^“Setup\.EXE” was not attached: \.exe files are not accepted/);
    expect(refused[2]?.refusal.message).toMatch(/Files of type application\/x-msdownload are not accepted/);
  });

  it('judges a name by its last extension, as the server does', () => {
    expect(checkFiles([file('server.js.log', 10), file('notes.exe.txt', 10)], limits, 0).refused).toEqual([]);
    expect(checkFiles([file('report.txt.exe', 10)], limits, 0).refused).toHaveLength(1);
  });

  it('counts what the ticket holds and the files accepted before it in the same batch', () => {
    const first = file('a.zip', 20 * MB);
    const second = file('b.zip', 20 * MB);
    const third = file('c.zip', 5 * MB);
    const { accepted, refused } = checkFiles([first, second, third], limits, 165 * MB);
    expect(accepted).toEqual([first, third]);
    expect(refused[0]?.file).toBe(second);
    expect(refused[0]?.refusal.reason).toBe('ticket_full');
    expect(refused[0]?.refusal.message).toContain('only 15 MB is left');
  });

  it('refuses a trailing dot or space that Windows would drop (setup.exe. runs as setup.exe)', () => {
    expect(checkFiles([file('setup.exe. ', 1), file('setup.EXE...', 1)], limits, 0).refused).toHaveLength(2);
  });

  it('refuses blank names, control and direction characters and names over 255 characters, and keeps the rest as given', () => {
    const refused = checkFiles([file('   ', 1), file('a\nb.txt', 1), file('evil\u202Egnp.exe', 1), file(`${'x'.repeat(252)}.txt`, 1)], limits, 0).refused;
    expect(refused.map((entry) => entry.refusal.reason)).toEqual(['bad_name', 'bad_name', 'bad_name', 'bad_name']);
    const kept = [file('../../etc/passwd "x".txt', 1), file('日本語 ファイル.log', 1), file(`${'x'.repeat(251)}.txt`, 1)];
    expect(checkFiles(kept, limits, 0).accepted).toEqual(kept);
  });
});
