import ExcelJS from 'exceljs';
import { neutralized, type Table } from './csv.js';

/**
 * A list as an XLSX workbook of one sheet, with exceljs (docs/after-sales.md, "Exports"): the
 * header bold and frozen, numbers as numbers, text as text. exceljs writes a string as a string,
 * never as a formula, but a cell edited in Excel is parsed again: text that starts like a formula
 * gets the same apostrophe as in the CSV.
 */
export async function toXlsx(table: Table, sheetName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'jt808-platform';
  // Excel refuses sheet names over 31 characters or with []:*?/\ in them.
  const sheet = workbook.addWorksheet(sheetName.replace(/[[\]:*?/\\]/g, '-').slice(0, 31) || 'export', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.addRow([...table.header]).font = { bold: true };
  for (const row of table.rows) {
    sheet.addRow(row.map((cell) => (typeof cell === 'string' ? neutralized(cell) : (cell ?? null))));
  }
  sheet.columns.forEach((column, i) => {
    const widest = Math.max(...[table.header, ...table.rows].map((row) => String(row[i] ?? '').length));
    column.width = Math.min(60, Math.max(8, widest + 2));
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
