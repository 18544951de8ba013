import { ImportFileError } from './types.js';

/**
 * Refuses any document type declaration or entity declaration. Uploaded XML has no use for them and
 * they are the vehicle of entity-expansion bombs ("billion laughs") and external entities (XXE).
 * The search is over the whole text, not only the prolog: it is cheap and leaves nothing to parse.
 */
export function assertSafeXml(text: string): void {
  const match = /<!\s*(DOCTYPE|ENTITY)/i.exec(text);
  if (match) {
    const line = text.slice(0, match.index).split('\n').length;
    throw new ImportFileError(
      'xml_doctype',
      `the XML holds a <!${match[1]!.toUpperCase()} declaration (line ${line}); DOCTYPE and ENTITY declarations are refused`,
    );
  }
}

export interface DecodedXml {
  readonly text: string;
  /** The encoding used, e.g. 'utf-8', 'gb18030', 'utf-16le'. */
  readonly encoding: string;
  /** Set when the encoding was not the declared one (e.g. a GBK file without a declaration). */
  readonly note?: string;
}

const GB_ENCODINGS = new Set(['gbk', 'gb2312', 'gb18030', 'gb_2312-80', 'cp936', 'x-gbk']);

/**
 * Decodes XML bytes to text. A UTF-16 byte-order mark wins; then the XML declaration's encoding when
 * it is GBK/GB2312/GB18030 (read as GB18030, their superset); everything else is read as UTF-8. Bytes
 * that are not valid UTF-8 are read as GB18030 with a note: Chinese tools often write GBK files
 * without declaring it, and replacement characters would silently lose every name.
 */
export function decodeXml(bytes: Uint8Array): DecodedXml {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };

  const declared = declaredEncoding(bytes);
  if (declared && GB_ENCODINGS.has(declared)) {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
  try {
    // TextDecoder drops a UTF-8 byte-order mark by default.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const said = declared ? `declared ${declared}` : 'no encoding declared';
    return {
      text: new TextDecoder('gb18030').decode(bytes),
      encoding: 'gb18030',
      note: `the XML is not valid UTF-8 (${said}); read as GB18030`,
    };
  }
}

/** The lower-cased `encoding` of the XML declaration, or null. The declaration is ASCII. */
function declaredEncoding(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declaration = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return declaration ? declaration[1]!.toLowerCase() : null;
}
