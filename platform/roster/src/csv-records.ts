import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

/**
 * A record of a CSV file, from `line` to `lastLine` (the same unless a quoted field holds line
 * breaks), or why the text starting at `line` is no record.
 */
export type CsvRecord =
  | { line: number; lastLine: number; fields: string[] }
  | { line: number; problem: string };

/** A row longer than this is an unterminated quote swallowing the rows after it, not a row. */
const MAX_RECORD_CHARS = 64 * 1024;

/**
 * The records of a CSV file with the physical line each starts on (line 1 is the first line of
 * the file). Blank lines, and rows whose every field is empty (spreadsheets export those), are
 * skipped. A quote that opens a field and never closes breaks only its own record: that record
 * is reported, and reading goes on from the line after the one it starts on.
 *
 * `open(fromLine)` gives the text from that line on, with LF line endings (see openText).
 */
export async function* csvRecords(open: (fromLine: number) => Readable): AsyncGenerator<CsvRecord> {
  // The line the next record starts on. With LF the only line ending, a record spans one line plus
  // one for each line break inside its quoted fields; counting those is exact, where the parser's
  // own line count is not (it counts CRLF inside quotes twice).
  let nextLine = 1;
  for (;;) {
    const text = open(nextLine);
    const parser = text.pipe(
      parse({
        // Rows with too few or too many fields are reported by the reader, not thrown here.
        relax_column_count: true,
        // A quote inside an unquoted field (河南"顺达"物流) is taken as written.
        relax_quotes: true,
        // Blank lines stay records, to be counted.
        skip_empty_lines: false,
        record_delimiter: '\n',
        max_record_size: MAX_RECORD_CHARS,
      }),
    );
    // pipe() does not pass errors on: a file that cannot be read must end the parse, not stall it.
    text.on('error', (error) => parser.destroy(error));
    try {
      for await (const fields of parser as AsyncIterable<string[]>) {
        const line = nextLine;
        const lastLine = line + fields.reduce((breaks, field) => breaks + lineBreaks(field), 0);
        nextLine = lastLine + 1;
        if (fields.some((field) => field.trim() !== '')) yield { line, lastLine, fields };
      }
      return;
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      yield { line: nextLine, problem: describe(error) };
      // The broken record is given up; the next parser starts on the line after its first.
      nextLine++;
    } finally {
      // Also when the caller stops reading early: the file is closed either way.
      parser.destroy();
      text.destroy();
    }
  }
}

function lineBreaks(field: string): number {
  let count = 0;
  for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) count++;
  return count;
}

function describe(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
    case 'CSV_MAX_RECORD_SIZE':
      return 'a quote opens a field here and is never closed';
    default:
      return `not CSV: ${error.message}`;
  }
}
