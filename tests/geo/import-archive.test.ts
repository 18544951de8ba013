import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { readZipEntries, unsafePathReason } from '../../geo/import/archive.js';
import { DEFAULT_IMPORT_LIMITS, ImportFileError, type ImportLimits } from '../../geo/import/types.js';
import { asyncRefusal as refusal } from '../support/import-refusal.js';

const LIMITS: ImportLimits = DEFAULT_IMPORT_LIMITS;


const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

/** Offsets of the central directory headers and their entry names (names as raw latin1). */
function centralHeaders(zip: Uint8Array): { offset: number; name: string }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const headers: { offset: number; name: string }[] = [];
  for (let at = 0; at + 46 <= zip.length; at += 1) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    headers.push({ offset: at, name: Buffer.from(zip.subarray(at + 46, at + 46 + nameLength)).toString('latin1') });
  }
  return headers;
}

/** Replaces every occurrence of `from` (local and central headers) by `to`, which must be as long. */
function patchBytes(zip: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  expect(to.length).toBe(from.length);
  const out = zip.slice();
  let count = 0;
  for (let at = 0; at + from.length <= out.length; at += 1) {
    if (from.every((byte, k) => out[at + k] === byte)) {
      out.set(to, at);
      count += 1;
    }
  }
  expect(count).toBeGreaterThan(0);
  return out;
}

describe('readZipEntries: ordinary archives', () => {
  it('returns each file by its path, skipping directories, __MACOSX and AppleDouble files', async () => {
    const zip = zipSync({
      'roads.shp': strToU8('shp bytes'),
      'data/': {},
      'data/notes.txt': [strToU8('平安 notes'.repeat(20)), { level: 9 }],
      '道路/名称.dbf': strToU8('dbf'),
      '__MACOSX/._roads.shp': strToU8('resource fork'),
      'data/._notes.txt': strToU8('resource fork'),
      'a..b.txt': strToU8('dots inside a name are fine'),
    });
    const files = await readZipEntries(zip, LIMITS);
    expect([...files.keys()].sort()).toEqual(['a..b.txt', 'data/notes.txt', 'roads.shp', '道路/名称.dbf']);
    expect(text(files.get('roads.shp'))).toBe('shp bytes');
    expect(text(files.get('data/notes.txt'))).toBe('平安 notes'.repeat(20));
    expect(text(files.get('道路/名称.dbf'))).toBe('dbf');
  });

  it('returns fresh arrays, not views into a shared buffer', async () => {
    const files = await readZipEntries(zipSync({ 'a.txt': strToU8('abc'), 'b.txt': strToU8('defg') }), LIMITS);
    for (const data of files.values()) {
      expect(data.byteOffset).toBe(0);
      expect(data.buffer.byteLength).toBe(data.byteLength);
      expect(Buffer.isBuffer(data)).toBe(false);
    }
  });

  it('decodes legacy (no UTF-8 flag) names as GBK when they are not UTF-8', async () => {
    // fflate flags non-ASCII names as UTF-8, so write an ASCII placeholder and patch in GBK bytes:
    // 道路 is B5C0 C2B7 in GBK, as Chinese Windows' built-in zip writes it.
    const zip = zipSync({ 'XXXX.shp': strToU8('shp') });
    const patched = patchBytes(zip, strToU8('XXXX.shp'), new Uint8Array([0xb5, 0xc0, 0xc2, 0xb7, ...strToU8('.shp')]));
    const files = await readZipEntries(patched, LIMITS);
    expect([...files.keys()]).toEqual(['道路.shp']);
  });

  it('decodes legacy names that are valid UTF-8 as UTF-8 (macOS, Linux zip tools)', async () => {
    const utf8 = strToU8('道路.shp'); // 10 bytes
    const zip = zipSync({ 'XXXXXX.shp': strToU8('shp') });
    // fflate only sets the UTF-8 flag for non-ASCII names: this name had none, so it stays legacy.
    expect(centralHeaders(zip)).toHaveLength(1);
    const files = await readZipEntries(patchBytes(zip, strToU8('XXXXXX.shp'), utf8), LIMITS);
    expect([...files.keys()]).toEqual(['道路.shp']);
  });

  it('refuses a file that is not a zip', async () => {
    const error = await refusal(readZipEntries(strToU8('just some text, no zip here'), LIMITS));
    expect(error.code).toBe('unreadable');
  });

  it('refuses an upload larger than maxBytes before opening it', async () => {
    const zip = zipSync({ 'a.txt': new Uint8Array(2000) }, { level: 0 });
    const error = await refusal(readZipEntries(zip, { ...LIMITS, maxBytes: 1000 }));
    expect(error.code).toBe('too_large');
  });

  it('refuses an archive holding the same name twice', async () => {
    const zip = zipSync({ 'a.txt': strToU8('first'), 'b.txt': strToU8('second') });
    const error = await refusal(readZipEntries(patchBytes(zip, strToU8('b.txt'), strToU8('a.txt')), LIMITS));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain('a.txt');
  });
});

describe('readZipEntries: hostile archives', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('refuses more entries than maxArchiveEntries (directories count)', async () => {
    const files: Zippable = {};
    for (let i = 0; i < 4; i += 1) files[`f${i}.txt`] = strToU8(`file ${i}`);
    const limits = { ...LIMITS, maxArchiveEntries: 4 };
    expect((await readZipEntries(zipSync(files), limits)).size).toBe(4);

    const error = await refusal(readZipEntries(zipSync({ ...files, 'dir/': {} }), limits));
    expect(error.code).toBe('archive_too_many_entries');
    expect(error.message).toContain('5 entries');
  });

  it('refuses an entry whose declared compression ratio is above the limit', async () => {
    const zeros = new Uint8Array(1024 * 1024); // deflates about 1000:1
    const zip = zipSync({ 'zeros.bin': [zeros, { level: 9 }] });
    const error = await refusal(readZipEntries(zip, LIMITS));
    expect(error.code).toBe('archive_bomb');
    expect(error.message).toContain('zeros.bin');
    // The same entry stored (ratio 1) is accepted: the ratio, not the content, is refused.
    const stored = await readZipEntries(zipSync({ 'zeros.bin': [zeros, { level: 0 }] }), LIMITS);
    expect(stored.get('zeros.bin')?.byteLength).toBe(zeros.byteLength);
  });

  it('refuses an archive whose declared uncompressed total is above maxBytes', async () => {
    const zip = zipSync({ 'a.bin': new Uint8Array(100_000), 'b.bin': new Uint8Array(100_000) }, { level: 9 });
    const limits = { ...LIMITS, maxBytes: 150_000, maxCompressionRatio: 1e9 };
    expect(zip.byteLength).toBeLessThan(limits.maxBytes);
    const error = await refusal(readZipEntries(zip, limits));
    expect(error.code).toBe('archive_bomb');
    expect((await readZipEntries(zip, { ...limits, maxBytes: 200_000 })).size).toBe(2);
  });

  it('stops inflating an entry whose header understates its size', async () => {
    const big = new Uint8Array(8 * 1024 * 1024); // 8 MiB of zeros, about 8 KiB deflated
    const zip = zipSync({ 'liar.bin': [big, { level: 9 }] });
    const [header] = centralHeaders(zip);
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const compressed = view.getUint32(header!.offset + 20, true);
    // Declare twice the compressed size: the ratio (2) and the total pass the up-front checks.
    view.setUint32(header!.offset + 24, compressed * 2, true);
    const error = await refusal(readZipEntries(zip, LIMITS));
    expect(error.code).toBe('archive_bomb');
    expect(error.message).toContain(`declared ${compressed * 2} bytes`);
  });

  it.each([
    ['/etc/passwd', 'absolute path'],
    ['\\windows\\win.ini', 'absolute path'],
    ['C:\\evil.txt', 'drive letter'],
    ['c:/evil.txt', 'drive letter'],
    ['../evil.txt', '".." segment'],
    ['data/../../evil.txt', '".." segment'],
    ['data\\..\\..\\evil.txt', '".." segment'],
    ['data/..', '".." segment'],
    ['evil\u0000.txt', 'NUL'],
  ])('refuses the unsafe path %j', async (name, reason) => {
    const zip = zipSync({ 'ok.txt': strToU8('fine'), [name]: strToU8('payload') });
    const error = await refusal(readZipEntries(zip, LIMITS));
    expect(error.code).toBe('archive_unsafe_path');
    expect(error.message).toContain(reason);
  });

  it('classifies paths without a zip', () => {
    expect(unsafePathReason('data/roads.shp')).toBeNull();
    expect(unsafePathReason('data/..roads/x..y.shp')).toBeNull();
    expect(unsafePathReason('..')).toContain('..');
    expect(unsafePathReason('Z:x')).toContain('drive letter');
  });

  it('refuses a symbolic link entry', async () => {
    const regular = zipSync({ 'file.txt': [strToU8('fine'), { os: 3, attrs: (0o100644 << 16) >>> 0 }] });
    expect((await readZipEntries(regular, LIMITS)).size).toBe(1);

    const zip = zipSync({
      'file.txt': strToU8('fine'),
      'link.shp': [strToU8('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }],
    });
    const error = await refusal(readZipEntries(zip, LIMITS));
    expect(error.code).toBe('archive_symlink');
    expect(error.message).toContain('link.shp');
  });

  it('inflates nothing when a later entry is refused', async () => {
    const inflateRaw = vi.spyOn(zlib, 'createInflateRaw');
    const good: Zippable = { 'first.txt': [strToU8('deflated text '.repeat(50)), { level: 6 }] };

    await readZipEntries(zipSync(good), LIMITS);
    expect(inflateRaw).toHaveBeenCalledTimes(1); // the control: a deflated entry does go through zlib
    inflateRaw.mockClear();

    const hostile: [Zippable, ImportLimits, string][] = [
      [{ ...good, '../evil.txt': strToU8('x') }, LIMITS, 'archive_unsafe_path'],
      [{ ...good, link: [strToU8('/etc'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] }, LIMITS, 'archive_symlink'],
      [{ ...good, 'bomb.bin': [new Uint8Array(1024 * 1024), { level: 9 }] }, LIMITS, 'archive_bomb'],
      [{ ...good, 'big.bin': [new Uint8Array(100_000), { level: 9 }] }, { ...LIMITS, maxBytes: 50_000, maxCompressionRatio: 1e9 }, 'archive_bomb'],
      [{ ...good, 'a.txt': strToU8('a'), 'b.txt': strToU8('b') }, { ...LIMITS, maxArchiveEntries: 2 }, 'archive_too_many_entries'],
    ];
    for (const [files, limits, code] of hostile) {
      expect((await refusal(readZipEntries(zipSync(files), limits))).code).toBe(code);
    }
    expect(inflateRaw).not.toHaveBeenCalled();
  });
});
