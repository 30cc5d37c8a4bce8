import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cells from '../src/cells.js';
import { headerKey } from '../src/columns.js';
import { type CsvRecord, csvRecords } from '../src/csv-records.js';
import { ROSTER_KINDS } from '../src/kinds/index.js';
import { detectEncoding, openText } from '../src/text-source.js';

describe('roster cells', () => {
  it('reads plate colours as numbers or Chinese names', () => {
    expect(['1', '蓝', '蓝色', 'Blue'].map(cells.plateColor)).toEqual([1, 1, 1, 1]);
    expect(['2', '黄', '3', '黑', '4', '白', '9', '其他', '0'].map(cells.plateColor)).toEqual([
      2, 2, 3, 3, 4, 4, 9, 9, 0,
    ]);
    expect(cells.plateColor('２')).toBe(2); // full-width digit from a Chinese input method
    expect(() => cells.plateColor('绿')).toThrow(/not a plate colour/);
    expect(() => cells.plateColor('5')).toThrow(cells.CellError);
  });

  it('keys terminals by phone without leading zeros, so 12 and 20 BCD digits are one terminal', () => {
    expect(cells.phone('013800138000')).toBe('13800138000');
    expect(cells.phone('00000000013800138000')).toBe('13800138000');
    expect(cells.phone('138 0013 8000')).toBe('13800138000');
    expect(() => cells.phone('1.38001E+10')).toThrow(/format the column as text/);
    expect(() => cells.phone('000000000000')).toThrow(/phone number 0/);
    expect(() => cells.phone('1380013800a')).toThrow(/digits only/);
    expect(() => cells.phone('123456789012345678901')).toThrow(/20 digits/);
  });

  it('writes plates and VINs one way', () => {
    expect(cells.plate('豫A·12345')).toBe('豫A12345');
    expect(cells.plate(' 豫a 12345 ')).toBe('豫A12345');
    expect(cells.vin('lfwsrxsj5m1a00001')).toBe('LFWSRXSJ5M1A00001');
    expect(() => cells.vin('LFWSRXSJ5M1A0000I')).toThrow(/not a VIN/);
    expect(() => cells.vin('LFWSRX')).toThrow(/not a VIN/);
  });

  it('reads dates and times as spreadsheets write them, in Beijing time unless zoned', () => {
    for (const text of ['2024-03-05', '2024/3/5', '2024.03.05', '20240305', '2024年3月5日']) {
      expect(cells.date(text)).toBe('2024-03-05');
    }
    expect(() => cells.date('2024-02-30')).toThrow(/no such day/);
    expect(() => cells.date('05/03/2024')).toThrow(/not a date/);
    expect(cells.timestamp('2024/3/5 9:30')).toBe('2024-03-05T09:30:00+08:00');
    expect(cells.timestamp('2024-03-05 09:30:15')).toBe('2024-03-05T09:30:15+08:00');
    expect(cells.timestamp('2024年3月5日 9时30分')).toBe('2024-03-05T09:30:00+08:00');
    expect(cells.timestamp('2024-03-05T01:30:00Z')).toBe('2024-03-05T01:30:00Z');
    expect(cells.timestamp('2024-03-05')).toBe('2024-03-05T00:00:00+08:00');
    expect(() => cells.timestamp('2024-03-05 25:00')).toThrow(/time of day/);
  });

  it('reads owners’ phones and identity numbers, and ship modes', () => {
    expect(cells.contactPhone('(0371) 6666-8888')).toBe('037166668888');
    expect(cells.contactPhone('+86 138 0013 8000')).toBe('+8613800138000');
    expect(() => cells.contactPhone('1.38001E+10')).toThrow(/format the column as text/);
    expect(() => cells.contactPhone('138x')).toThrow(/not a phone number/);
    expect(cells.idNumber('４１０１０５１９８００１０１１２３ｘ')).toBe('41010519800101123X');
    expect(() => cells.idNumber('4101-05')).toThrow(/identity number/);
    expect(cells.shipMode('快递')).toBe('express');
    expect(cells.shipMode('Freight')).toBe('freight');
    expect(cells.shipMode('货运')).toBe('freight');
    expect(() => cells.shipMode('自提')).toThrow(/ship mode/);
  });

  it('reads numbers in range, editions, coordinates', () => {
    expect(cells.integer(0, 10)('7')).toBe(7);
    expect(() => cells.integer(0, 10)('11')).toThrow(/out of range/);
    expect(() => cells.integer(0, 10)('7.5')).toThrow(/whole number/);
    expect(cells.latitude('34.7466')).toBe(34.7466);
    expect(() => cells.latitude('134')).toThrow(/out of range/);
    expect(cells.edition('JT/T 808-2019')).toBe('2019');
    expect(() => cells.edition('2016')).toThrow(/edition/);
  });
});

describe('roster headers', () => {
  it('match whatever the spelling of a column name', () => {
    expect(headerKey('*车牌颜色（1蓝2黄）')).toBe('车牌颜色');
    expect(headerKey(' Plate Color ')).toBe('plate_color');
    expect(headerKey('plate-color')).toBe('plate_color');
    expect(headerKey('ＶＩＮ')).toBe('vin');
  });

  it('are all in docs/roster-import.md', async () => {
    const docs = await readFile(new URL('../../../docs/roster-import.md', import.meta.url), 'utf8');
    for (const kind of ROSTER_KINDS) {
      for (const [name, column] of Object.entries(kind.columns)) {
        expect(docs).toContain(
          `| \`${name}\` | ${column.required ? 'yes' : ''} | ${column.aliases.join(', ')} |`,
        );
      }
    }
  });

  it('mean one column each within a kind', () => {
    for (const kind of ROSTER_KINDS) {
      const names = Object.entries(kind.columns).flatMap(([name, column]) => [name, ...column.aliases]);
      const keys = names.map(headerKey);
      expect(new Set(keys).size, `${kind.name}: ${names.join(' ')}`).toBe(keys.length);
    }
  });
});

describe('roster CSV text', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function records(name: string, content: string | Buffer): Promise<CsvRecord[]> {
    const path = join(dir, name);
    await writeFile(path, content);
    const encoding = await detectEncoding(path);
    const all: CsvRecord[] = [];
    for await (const record of csvRecords((from) => openText(path, encoding, from))) all.push(record);
    return all;
  }

  it('numbers records by the physical line they start on, whatever the line endings', async () => {
    const text = 'a,b\n1,"x\ny"\n\n2,3\n,\n4,"p\n\nq"\n5,6';
    const expected = [
      { line: 1, lastLine: 1, fields: ['a', 'b'] },
      { line: 2, lastLine: 3, fields: ['1', 'x\ny'] },
      { line: 5, lastLine: 5, fields: ['2', '3'] },
      { line: 7, lastLine: 9, fields: ['4', 'p\n\nq'] },
      { line: 10, lastLine: 10, fields: ['5', '6'] },
    ];
    expect(await records('lf.csv', text)).toEqual(expected);
    expect(await records('crlf.csv', text.replaceAll('\n', '\r\n'))).toEqual(expected);
    expect(await records('cr.csv', text.replaceAll('\n', '\r'))).toEqual(expected);
  });

  it('gives up only the record an unclosed quote opens, and reads on from the next line', async () => {
    expect(await records('quote.csv', 'a,b\n1,"2\n3,4\n5,6\n')).toEqual([
      { line: 1, lastLine: 1, fields: ['a', 'b'] },
      { line: 2, problem: 'a quote opens a field here and is never closed' },
      { line: 3, lastLine: 3, fields: ['3', '4'] },
      { line: 4, lastLine: 4, fields: ['5', '6'] },
    ]);
    // Two stray quotes pair up as CSV says: one record over the lines between them.
    expect(await records('quotes.csv', 'a,b\n1,"2\n3,4\n5,"6\n7,8\n')).toEqual([
      { line: 1, lastLine: 1, fields: ['a', 'b'] },
      { line: 2, lastLine: 4, fields: ['1', '"2\n3,4\n5,"6'] },
      { line: 5, lastLine: 5, fields: ['7', '8'] },
    ]);
  });

  it('takes stray quotes inside a field as written', async () => {
    expect(await records('stray.csv', '名称\n河南"顺达"物流\n')).toEqual([
      { line: 1, lastLine: 1, fields: ['名称'] },
      { line: 2, lastLine: 2, fields: ['河南"顺达"物流'] },
    ]);
  });

  it('detects UTF-8 (BOM dropped) and GBK', async () => {
    const utf8 = await records('bom.csv', '\ufeff车牌号\n豫A12345\n');
    expect(utf8).toEqual([
      { line: 1, lastLine: 1, fields: ['车牌号'] },
      { line: 2, lastLine: 2, fields: ['豫A12345'] },
    ]);
    expect(await records('gbk.csv', iconv.encode('车牌号\r\n豫A12345\r\n', 'gbk'))).toEqual(utf8);
    await writeFile(join(dir, 'gbk2.csv'), iconv.encode('车牌号', 'gbk'));
    expect(await detectEncoding(join(dir, 'gbk2.csv'))).toBe('gbk');
    await writeFile(join(dir, 'utf16.csv'), iconv.encode('\ufeff车牌号', 'utf-16le'));
    await expect(detectEncoding(join(dir, 'utf16.csv'))).rejects.toThrow(/UTF-16/);
  });
});
