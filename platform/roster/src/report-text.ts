import type { FileReport } from './import-file.js';
import type { ImportReport } from './import-roster.js';
import { optionOf } from './kind.js';

/**
 * The import summary: a line per file (read, loaded, rejected), then its rejected rows as
 * `file:line: reason`, the form editors and grep understand.
 */
export function reportText(report: ImportReport): string {
  return report.files.map(fileText).join('');
}

function fileText(file: FileReport): string {
  const encoding = file.encoding === null ? '' : ` (${file.encoding.toUpperCase()})`;
  const outcome =
    file.error === undefined
      ? `read ${file.read}, loaded ${file.loaded}, rejected ${file.rejected.length}`
      : `not loaded: ${file.error}`;
  const lines = [`${optionOf(file.kind)}: ${file.path}${encoding}: ${outcome}`];
  if (file.ignoredColumns.length > 0) lines.push(`  ignored columns: ${file.ignoredColumns.join(', ')}`);
  for (const { line, reason } of file.rejected) lines.push(`  ${file.path}:${line}: ${reason}`);
  return `${lines.join('\n')}\n`;
}
