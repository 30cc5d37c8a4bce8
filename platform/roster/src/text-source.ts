import { createReadStream } from 'node:fs';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { RosterFileError } from './file-error.js';

/** How roster files come out of Chinese spreadsheets: UTF-8 (with or without BOM) or GBK. */
export type TextEncoding = 'utf-8' | 'gbk';
export const TEXT_ENCODINGS: readonly TextEncoding[] = ['utf-8', 'gbk'];

/**
 * UTF-8 when the whole file is valid UTF-8, else GBK. GBK text is practically never valid UTF-8
 * (its lead bytes 0x81-0xFE are followed by bytes UTF-8 forbids there), so one pass decides.
 */
export async function detectEncoding(path: string): Promise<TextEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      if (first && (chunk.subarray(0, 2).equals(UTF16_LE) || chunk.subarray(0, 2).equals(UTF16_BE))) {
        throw new RosterFileError('the file is UTF-16 ("Unicode text"); save it as CSV in UTF-8 or GBK');
      }
      first = false;
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
    return 'utf-8';
  } catch (error) {
    if (error instanceof TypeError) return 'gbk';
    throw error;
  }
}
const UTF16_LE = Buffer.from([0xff, 0xfe]);
const UTF16_BE = Buffer.from([0xfe, 0xff]);

/**
 * The file's text from line `fromLine` on (1 = all of it), decoded, without BOM and with every
 * line ending as LF, so that each line break is one character to count.
 */
export function openText(path: string, encoding: TextEncoding, fromLine = 1): Readable {
  const file = createReadStream(path);
  // GB18030 decodes every GBK sequence as GBK does, and also the four-byte ones some exports hold.
  const decoder = iconv.decodeStream(encoding === 'gbk' ? 'gb18030' : 'utf-8');
  const lines = new LinesFrom(fromLine);
  file.on('error', (error) => lines.destroy(error));
  decoder.on('error', (error) => lines.destroy(error));
  return file.pipe(decoder).pipe(lines);
}

/** Turns CRLF and lone CR into LF and drops the lines before `fromLine`. */
class LinesFrom extends Transform {
  private toSkip: number;
  /** A CR that ended the last chunk: its LF, if any, comes with the next one. */
  private pendingCr = false;

  constructor(fromLine: number) {
    super({ decodeStrings: false, encoding: 'utf-8' });
    this.toSkip = fromLine - 1;
  }

  override _transform(chunk: string, _encoding: BufferEncoding, done: TransformCallback): void {
    let text = (this.pendingCr ? '\r' : '') + chunk;
    this.pendingCr = text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    this.pushLines(text.replace(/\r\n?/g, '\n'));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pendingCr) this.pushLines('\n');
    done();
  }

  private pushLines(text: string): void {
    let start = 0;
    while (this.toSkip > 0) {
      const end = text.indexOf('\n', start);
      if (end === -1) return;
      start = end + 1;
      this.toSkip--;
    }
    if (start < text.length) this.push(text.slice(start));
  }
}
