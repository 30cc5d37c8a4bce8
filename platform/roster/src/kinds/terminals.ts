import type { Queryable } from '@jt808/storage';
import * as cells from '../cells.js';
import { optional, required } from '../columns.js';
import { defineKind } from '../kind.js';
import { stored, upsert } from '../upsert.js';
import { lookUpVehicles, vehicleReferenceColumns } from '../vehicle-reference.js';
import { TERMINAL_PHONE_HEADERS } from './shared-columns.js';

const columns = {
  phone: required(
    cells.phone,
    TERMINAL_PHONE_HEADERS,
    'the SIM number in its JT/T 808 header, 12 or 20 digits or without leading zeros (all the same)',
  ),
  terminal_id: optional(cells.code, ['终端ID', '终端编号', '终端号'], 'the terminal id it registers with'),
  maker: optional(cells.text, ['制造商', '制造商ID', '生产厂家', '厂商'], 'maker id or name'),
  model: optional(cells.text, ['终端型号', '型号'], 'terminal model'),
  edition: optional(cells.edition, ['协议版本', '版本'], 'JT/T 808 edition it speaks: 2011, 2013 or 2019'),
  ...vehicleReferenceColumns,
  installed_at: optional(cells.timestamp, ['安装时间', '安装日期'], 'when it was installed (Beijing time)'),
  warranty_until: optional(
    cells.date,
    ['保修截止日期', '质保到期日', '保修到期', '质保到期'],
    'last day of warranty',
  ),
  // The warranty starts at delivery, the ship date plus the transit days of the mode (after-sales/warranty.ts).
  shipped_on: optional(cells.date, ['发货日期', '发货时间', '出库日期'], 'the day it was shipped'),
  ship_mode: optional(
    cells.shipMode,
    ['发货方式', '运输方式', '配送方式'],
    `how: ${cells.SHIP_MODE_CHOICES}`,
  ),
};

interface Terminal {
  phone: string;
  terminal_id: string | null;
  maker: string | null;
  model: string | null;
  edition: string | null;
  vehicle_id: string | null;
  installed_at: string | null;
  warranty_until: string | null;
  shipped_on: string | null;
  ship_mode: cells.ShipMode | null;
  /** The terminal on the vehicle now, when it is another: it comes off the vehicle. Not stored. */
  replaces: string | null;
}

/** The file columns naming the vehicle: a file with none of them leaves terminals on their vehicles. */
const VEHICLE_COLUMNS = ['plate', 'plate_color', 'vin'] as const;
/** A shipment is stored whole: a file with either column writes both. */
const SHIPMENT_COLUMNS = ['shipped_on', 'ship_mode'] as const;

export const terminals = defineKind<typeof columns, Terminal>({
  name: 'terminals',
  description: 'terminals, one a row, matched by phone (SIM) number, each on the vehicle it names, if any',
  columns,
  async resolve(client, rows, file) {
    const vehicles = await lookUpVehicles(client, rows, file);
    return rows.map(({ line, row: { plate, plate_color, vin, ...row } }, i) => {
      const named = vehicles[i] ?? null;
      if (named !== null && 'reason' in named) return { line, reason: named.reason };
      // The schema holds a shipment whole (terminals_shipment_complete): a date without its mode
      // could not start a warranty.
      if ((row.shipped_on === null) !== (row.ship_mode === null)) {
        return {
          line,
          reason: `a shipment needs both ${file.label('shipped_on')} and ${file.label('ship_mode')}`,
        };
      }
      const holder = named?.vehicle.terminalPhone ?? null;
      return {
        line,
        row: {
          ...row,
          vehicle_id: named?.vehicle.id ?? null,
          replaces: holder === row.phone ? null : holder,
        },
      };
    });
  },
  uniqueKeys: (terminal) => [
    { what: 'phone', value: terminal.phone },
    ...(terminal.vehicle_id === null ? [] : [{ what: 'vehicle', value: terminal.vehicle_id }]),
  ],
  async store(client, rows, file) {
    await takeOffVehicles(
      client,
      rows.flatMap((row) => row.replaces ?? []),
    );
    await upsert<Terminal>(
      client,
      {
        table: 'terminals',
        key: [stored('phone', 'text')],
        columns: [
          stored('terminal_id', 'text', 'terminal_id'),
          stored('maker', 'text', 'maker'),
          stored('model', 'text', 'model'),
          stored('edition', 'text', 'edition'),
          stored('vehicle_id', 'bigint', ...VEHICLE_COLUMNS),
          stored('installed_at', 'timestamptz', 'installed_at'),
          stored('warranty_until', 'date', 'warranty_until'),
          stored('shipped_on', 'date', ...SHIPMENT_COLUMNS),
          stored('ship_mode', 'text', ...SHIPMENT_COLUMNS),
        ],
        // The roster now knows the terminal: one that registered on its own is pending no more.
        fixed: { pending: 'false' },
        match: 'constraint',
      },
      rows,
      file,
    );
  },
});

/**
 * A vehicle carries one terminal (terminals.vehicle_id is unique). When the file puts a vehicle's
 * terminal on another phone, the terminal replaced comes off the vehicle: the file is the newer word.
 */
async function takeOffVehicles(client: Queryable, phones: readonly string[]): Promise<void> {
  if (phones.length === 0) return;
  await client.query('UPDATE terminals SET vehicle_id = NULL WHERE phone = ANY($1::text[])', [phones]);
}
