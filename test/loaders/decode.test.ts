import { describe, expect, it } from 'vitest';
import { decodeManifest } from '../../src/loaders/decode.js';

describe('decodeManifest', () => {
  it('strips a UTF-8 BOM', () => {
    expect(decodeManifest(Buffer.from('\uFEFFa: 1\n', 'utf8'))).toEqual({ ok: true, text: 'a: 1\n' });
  });
  it('decodes UTF-16 LE and BE with a BOM', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: Pod\n', 'utf16le')]);
    expect(decodeManifest(le)).toEqual({ ok: true, text: 'kind: Pod\n' });
    const be = Buffer.from(le.subarray(2)).swap16();
    expect(decodeManifest(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({ ok: true, text: 'kind: Pod\n' });
  });
  it('rejects binary content at the line of the first NUL', () => {
    expect(decodeManifest(Buffer.from('a: 1\nb: 2\n\0\0'))).toMatchObject({ ok: false, line: 3 });
  });
  it('rejects invalid UTF-8 at its line', () => {
    expect(decodeManifest(Buffer.concat([Buffer.from('a: 1\nb: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]))).toMatchObject({ ok: false, line: 2, message: expect.stringContaining('UTF-8') });
  });
});
