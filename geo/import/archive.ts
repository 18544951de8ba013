import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { ImportFileError, type ImportLimits } from './types.js';

/** Unix file type bits in the high half of externalFileAttributes. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Reads the files of a zip archive into memory, refusing hostile archives.
 *
 * Every check that can be made from the central directory (entry count, declared sizes and ratios,
 * unsafe paths, symlinks) runs over all entries before any entry is inflated, so a refused archive
 * costs no decompression. While inflating, the actual bytes are counted per entry and in total: a
 * header that understates the size is caught at the first chunk past the declared size.
 *
 * Directory entries, `__MACOSX/` and AppleDouble `._*` files are left out. Keys are the entry paths
 * as stored (decoded, see `entryName`); values are fresh Uint8Arrays (not views into a pool).
 */
export async function readZipEntries(bytes: Uint8Array, limits: ImportLimits): Promise<Map<string, Uint8Array>> {
  if (bytes.byteLength > limits.maxBytes) {
    throw new ImportFileError('too_large', `the archive is ${bytes.byteLength} bytes; the limit is ${limits.maxBytes}`);
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zipfile = await openZip(buffer);
  try {
    if (zipfile.entryCount > limits.maxArchiveEntries) throw tooManyEntries(zipfile.entryCount, limits);
    const entries = await listEntries(zipfile, limits);
    checkDeclaredSizes(entries, limits);

    const files = new Map<string, Uint8Array>();
    let total = 0;
    for (const { entry, name } of entries) {
      if (isDirectory(name) || isIgnored(name)) continue;
      if (files.has(name)) throw new ImportFileError('unreadable', `the archive holds "${name}" twice`);
      const data = await inflate(zipfile, entry, name, limits.maxBytes - total);
      total += data.byteLength;
      files.set(name, data);
    }
    return files;
  } finally {
    zipfile.close();
  }
}

interface NamedEntry {
  readonly entry: Entry;
  readonly name: string;
}

function openZip(buffer: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings: false so yauzl does not reject unsafe names with a generic error (we classify
    // them ourselves) and so names without the UTF-8 flag can be decoded as GBK (see entryName).
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, validateEntrySizes: true, decodeStrings: false, autoClose: false },
      (error, zipfile) => {
        if (error || !zipfile) reject(unreadable(error));
        else resolve(zipfile);
      },
    );
  });
}

/** Reads the whole central directory, checking each entry's name and type as it comes. */
function listEntries(zipfile: ZipFile, limits: ImportLimits): Promise<NamedEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: NamedEntry[] = [];
    const fail = (error: unknown): void => {
      zipfile.removeAllListeners('entry');
      zipfile.removeAllListeners('end');
      reject(error);
    };
    zipfile.on('entry', (entry: Entry) => {
      try {
        if (entries.length + 1 > limits.maxArchiveEntries) throw tooManyEntries(entries.length + 1, limits);
        const name = entryName(entry);
        const unsafe = unsafePathReason(name);
        if (unsafe) throw new ImportFileError('archive_unsafe_path', `unsafe entry path ${JSON.stringify(name)}: ${unsafe}`);
        if (isSymlink(entry)) throw new ImportFileError('archive_symlink', `entry ${JSON.stringify(name)} is a symbolic link`);
        entries.push({ entry, name });
        zipfile.readEntry();
      } catch (error) {
        fail(error);
      }
    });
    zipfile.on('end', () => resolve(entries));
    zipfile.on('error', (error: unknown) => fail(unreadable(error)));
    zipfile.readEntry();
  });
}

function checkDeclaredSizes(entries: readonly NamedEntry[], limits: ImportLimits): void {
  let declared = 0;
  for (const { entry, name } of entries) {
    declared += entry.uncompressedSize;
    if (declared > limits.maxBytes) {
      throw new ImportFileError(
        'archive_bomb',
        `the archive declares more than ${limits.maxBytes} bytes once uncompressed (at "${name}")`,
      );
    }
    if (entry.uncompressedSize > 0) {
      const ratio = entry.compressedSize > 0 ? entry.uncompressedSize / entry.compressedSize : Infinity;
      if (ratio > limits.maxCompressionRatio) {
        throw new ImportFileError(
          'archive_bomb',
          `entry "${name}" declares a compression ratio of ${Number.isFinite(ratio) ? ratio.toFixed(0) : 'infinity'}; the limit is ${limits.maxCompressionRatio}`,
        );
      }
    }
  }
}

/** Inflates one entry, stopping at the first chunk past its declared size or the remaining budget. */
function inflate(zipfile: ZipFile, entry: Entry, name: string, budget: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zipfile.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(unreadable(error, name));
        return;
      }
      const chunks: Buffer[] = [];
      let read = 0;
      let settled = false;
      const fail = (failure: ImportFileError): void => {
        if (settled) return;
        settled = true;
        stream.destroy();
        reject(failure);
      };
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        read += chunk.byteLength;
        if (read > entry.uncompressedSize) {
          fail(new ImportFileError('archive_bomb', `entry "${name}" inflates past its declared ${entry.uncompressedSize} bytes`));
        } else if (read > budget) {
          fail(new ImportFileError('archive_bomb', `the archive inflates past the ${budget}-byte limit at "${name}"`));
        } else {
          chunks.push(chunk);
        }
      });
      stream.on('error', (streamError: Error) => {
        // yauzl's own size check (validateEntrySizes) may fire before our data handler sees the chunk.
        if (/too many bytes/.test(streamError.message)) {
          fail(new ImportFileError('archive_bomb', `entry "${name}" inflates past its declared ${entry.uncompressedSize} bytes`));
        } else {
          fail(unreadable(streamError, name));
        }
      });
      stream.on('end', () => {
        if (settled) return;
        settled = true;
        // Copy into one fresh array: small Buffers share Node's pool, and readers use `.buffer`.
        const out = new Uint8Array(read);
        let offset = 0;
        for (const chunk of chunks) {
          out.set(chunk, offset);
          offset += chunk.byteLength;
        }
        resolve(out);
      });
    });
  });
}

/**
 * The entry's path. With the UTF-8 flag (or an Info-ZIP Unicode Path field) the name is UTF-8.
 * Without it the spec says CP437, but in practice the bytes are the archiver's code page: UTF-8 from
 * macOS and Linux tools, GBK from Chinese Windows ("Send to > Compressed folder"). So a legacy name
 * is UTF-8 when it decodes as such, else GB18030 (a superset of GBK). Backslashes are kept so that
 * `C:\x` and `..\x` are seen for what they are.
 */
function entryName(entry: Entry): string {
  const raw = entry.fileNameRaw;
  const utf8Flag = (entry.generalPurposeBitFlag & 0x800) !== 0;
  if (utf8Flag || entry.extraFields.some((field) => field.id === 0x7075)) {
    return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
  }
  if (raw.every((byte) => byte < 0x80)) return raw.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return new TextDecoder('gb18030').decode(raw);
  }
}

/** Why a path could escape the extraction directory, or null when it is a plain relative path. */
export function unsafePathReason(name: string): string | null {
  if (name.includes('\0')) return 'contains a NUL character';
  if (name.startsWith('/') || name.startsWith('\\')) return 'absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'absolute path with a drive letter';
  if (name.split(/[/\\]/).includes('..')) return 'contains a ".." segment';
  return null;
}

function isSymlink(entry: Entry): boolean {
  const mode = entry.externalFileAttributes >>> 16;
  return (mode & S_IFMT) === S_IFLNK;
}

function isDirectory(name: string): boolean {
  return name.endsWith('/') || name.endsWith('\\');
}

/** macOS Finder adds resource forks (`__MACOSX/`, `._name`): never data. */
function isIgnored(name: string): boolean {
  const parts = name.split(/[/\\]/);
  return parts[0] === '__MACOSX' || (parts[parts.length - 1] ?? '').startsWith('._');
}

function tooManyEntries(count: number, limits: ImportLimits): ImportFileError {
  return new ImportFileError(
    'archive_too_many_entries',
    `the archive has ${count} entries; the limit is ${limits.maxArchiveEntries}`,
  );
}

function unreadable(error: unknown, name?: string): ImportFileError {
  if (error instanceof ImportFileError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ImportFileError('unreadable', `not a readable zip archive${name ? ` (entry "${name}")` : ''}: ${message}`);
}
