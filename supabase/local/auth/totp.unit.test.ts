/** TOTP (RFC 6238) and the QR code that carries its URI. */
import { describe, expect, it } from 'vitest';
import { dataCodewords, encodeQr, maskInverts, qrCodeSvg, rawDataModules, reedSolomonRemainder } from './qr.ts';
import { base32Decode, base32Encode, hotp, newTotpSecret, totpCode, verifyTotp } from './totp.ts';

describe('TOTP', () => {
  // RFC 6238 appendix B, SHA-1, with its 8-digit values.
  const key = Buffer.from('12345678901234567890', 'ascii');
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches RFC 6238 at T=%i', (seconds, code) => {
    expect(hotp(key, Math.floor(seconds / 30), 8)).toBe(code);
    expect(totpCode(base32Encode(key), seconds * 1000)).toBe(code.slice(-6));
  });

  it('encodes secrets as authenticator apps read them', () => {
    expect(base32Encode(key)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toEqual(key);
    expect(base32Decode('not base32!')).toBeUndefined();
    expect(newTotpSecret()).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('verifies one step of skew either way, six digits only', () => {
    const secret = base32Encode(key);
    const now = 1_700_000_015_000;
    for (const steps of [-1, 0, 1]) expect(verifyTotp(totpCode(secret, now + steps * 30_000), secret, now)).toBe(true);
    for (const steps of [-2, 2]) expect(verifyTotp(totpCode(secret, now + steps * 30_000), secret, now)).toBe(false);
    expect(verifyTotp(`0${totpCode(secret, now)}`, secret, now)).toBe(false);
    expect(verifyTotp('abcdef', secret, now)).toBe(false);
  });
});

describe('QR code', () => {
  it('has level H byte capacities of the standard', () => {
    const capacity = (v: number) => Math.floor((dataCodewords(v) * 8 - 4 - (v <= 9 ? 8 : 16)) / 8);
    expect([1, 2, 5, 10, 12, 20, 40].map(capacity)).toEqual([7, 14, 44, 119, 155, 382, 1273]);
  });

  it('stores the text so that a reader recovers it: valid format bits, error correction and payload', () => {
    const text = 'otpauth://totp/localhost:5173:user@example.com?algorithm=SHA1&digits=6&issuer=localhost%3A5173&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    const symbol = encodeQr(text);
    const { size, modules, isFunction, version } = symbol;
    expect(size).toBe(version * 4 + 17);
    // Finder pattern in the top-left corner: a dark ring, a light ring, a dark 3×3 core.
    expect(modules[0]!.slice(0, 7)).toEqual([true, true, true, true, true, true, true]);
    expect(modules[1]!.slice(0, 7)).toEqual([true, false, false, false, false, false, true]);
    expect(modules[3]!.slice(0, 7)).toEqual([true, false, true, true, true, false, true]);

    // Format bits: a BCH codeword naming level H and the mask used.
    let format = 0;
    for (let i = 0; i <= 5; i += 1) format |= Number(modules[i]![8]) << i;
    format |= Number(modules[7]![8]) << 6;
    format |= Number(modules[8]![8]) << 7;
    format |= Number(modules[8]![7]) << 8;
    for (let i = 9; i < 15; i += 1) format |= Number(modules[8]![14 - i]) << i;
    format ^= 0x5412;
    expect(format >>> 13).toBe(2);
    expect((format >>> 10) & 7).toBe(symbol.mask);
    let remainder = format >>> 10;
    for (let i = 0; i < 10; i += 1) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
    expect(remainder & 0x3ff).toBe(format & 0x3ff);

    // Read the codewords back in placement order, unmasked.
    const bits: number[] = [];
    for (let right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (let vertical = 0; vertical < size; vertical += 1) {
        for (let j = 0; j < 2; j += 1) {
          const x = right - j;
          const y = ((right + 1) & 2) === 0 ? size - 1 - vertical : vertical;
          if (!isFunction[y]![x]) bits.push(Number(modules[y]![x] !== maskInverts(symbol.mask, x, y)));
        }
      }
    }
    const total = Math.floor(rawDataModules(version) / 8);
    const codewords: number[] = [];
    for (let i = 0; i < total; i += 1) codewords.push(parseInt(bits.slice(i * 8, i * 8 + 8).join(''), 2));
    // De-interleave into blocks; each must be a Reed–Solomon codeword (remainder zero).
    const dataLength = dataCodewords(version);
    const eccTotal = total - dataLength;
    const blockCount = [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16][version - 1]!;
    const ecc = eccTotal / blockCount;
    const shortData = Math.floor(dataLength / blockCount);
    const longBlocks = dataLength % blockCount;
    const blocks: number[][] = Array.from({ length: blockCount }, () => []);
    let k = 0;
    for (let i = 0; i < shortData + 1; i += 1) {
      for (let b = 0; b < blockCount; b += 1) {
        if (i < shortData || b >= blockCount - longBlocks) blocks[b]!.push(codewords[k++]!);
      }
    }
    for (let i = 0; i < ecc; i += 1) for (let b = 0; b < blockCount; b += 1) blocks[b]!.push(codewords[k++]!);
    const generator = reedSolomonGenerator(ecc);
    const payload: number[] = [];
    for (const block of blocks) {
      expect(reedSolomonRemainder(block, generator).every((value) => value === 0)).toBe(true);
      payload.push(...block.slice(0, block.length - ecc));
    }
    // Byte mode, the length, then the UTF-8 bytes.
    const payloadBits = payload.map((byte) => byte.toString(2).padStart(8, '0')).join('');
    expect(payloadBits.slice(0, 4)).toBe('0100');
    const countBits = version <= 9 ? 8 : 16;
    const length = parseInt(payloadBits.slice(4, 4 + countBits), 2);
    const bytes = [];
    for (let i = 0; i < length; i += 1) bytes.push(parseInt(payloadBits.slice(4 + countBits + i * 8, 12 + countBits + i * 8), 2));
    expect(Buffer.from(bytes).toString('utf8')).toBe(text);
  });

  it('renders SVG without characters a data: URL cannot hold', () => {
    const svg = qrCodeSvg('otpauth://totp/x');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="(\d+)" height="\1"/);
    expect(svg).not.toContain('#');
  });
});

/** The generator polynomial, computed independently of qr.ts: the product of (x - 2^i). */
function reedSolomonGenerator(degree: number): number[] {
  const multiply = (a: number, b: number) => {
    let result = 0;
    for (; b > 0; b >>= 1, a = (a << 1) ^ (a & 0x80 ? 0x11d : 0)) if (b & 1) result ^= a;
    return result & 0xff;
  };
  let poly = [1];
  let root = 1;
  for (let i = 0; i < degree; i += 1) {
    const next = new Array<number>(poly.length + 1).fill(0);
    poly.forEach((c, j) => {
      next[j]! ^= c;
      next[j + 1]! ^= multiply(c, root);
    });
    poly = next;
    root = multiply(root, 2);
  }
  // Monic, highest degree first; reedSolomonRemainder takes the coefficients after the leading 1.
  return poly.slice(1);
}
