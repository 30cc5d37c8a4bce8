import { POSITION_COPY_COLUMNS } from '../storage/positions-table.js';
import { BinaryCopyWriter } from './copy-binary.js';
import type { PositionRow } from './rows.js';

/** COPY of fixes into a table shaped like positions, in the order encodePositions writes them. */
export function copyPositionsSql(table: string): string {
  return `COPY ${table} (${POSITION_COPY_COLUMNS.join(', ')}) FROM STDIN (FORMAT binary)`;
}

/** A fix with an 11-digit phone and no extras takes 158 bytes; extras add their JSON. */
const BYTES_PER_ROW = 192;

/** The fixes as binary COPY data, one row each, columns in POSITION_COPY_COLUMNS order. */
export function encodePositions(positions: readonly PositionRow[]): Buffer {
  const copy = new BinaryCopyWriter(positions.length * BYTES_PER_ROW + 32);
  for (const p of positions) {
    copy.row(POSITION_COPY_COLUMNS.length);
    copy.text(p.phone);
    copy.timestamp(p.gpsTime);
    copy.timestamp(p.receivedAt);
    copy.float8(p.latitude);
    copy.float8(p.longitude);
    copy.int4(p.altitude);
    copy.float4(p.speed);
    copy.int2(p.direction);
    copy.int8(p.alarm);
    copy.int8(p.status);
    copy.float8(p.mileage);
    copy.float4(p.fuel);
    copy.int2(p.signalStrength);
    copy.int2(p.satellites);
    copy.bool(p.blindArea);
    copy.int2(p.quality);
    copy.jsonb(p.extras);
  }
  return copy.finish();
}
