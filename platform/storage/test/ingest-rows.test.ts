import { type Delivery, EventKind } from '@jt808/bus';
import { describe, expect, it } from 'vitest';
import { Quality, UNQUALIFIED } from '../src/ingest/quality.js';
import { rowsOf } from '../src/ingest/rows.js';

// Bodies as sloppy terminals send them (JT/T 808-2013 tables 23-27 and 12, by hand): the basic
// information intact, the additional area or the list after it not. rowsOf must store what is
// intact, flag it and keep the skipped bytes, never dead-letter the delivery.

const hex = (...fields: string[]) => fields.join('');
/** 34.757975 N 113.665412 E, 110 m, 62.5 km/h, 90°, 2026-11-23 15:30:45 Beijing, ACC on + positioned. */
const BASIC = hex('00000000', '000c0003', '02125d57', '06c66584', '006e', '0271', '005a', '261123153045');
const SIGNAL = '30011f'; // item 0x30 signal strength 31
const AT_MS = Date.parse('2026-11-23T07:30:46Z');

function delivery(messageId: number, body: string): Delivery {
  return {
    id: `0/${messageId}-0`,
    raw: new Uint8Array(0),
    event: {
      kind: EventKind.Message,
      phone: '013800000001',
      gatewayId: 'gw',
      sessionId: 's1',
      atMs: AT_MS,
      messageId,
      serial: 1,
      edition: '2013',
      body: new Uint8Array(Buffer.from(body, 'hex')),
    },
  };
}

describe('rowsOf on sloppy bodies', () => {
  it('stores a 0x0200 with zero padding, flagged, the padding kept as hex', () => {
    const rows = rowsOf([delivery(0x0200, hex(BASIC, SIGNAL, '0000'))]);
    expect(rows.rejected).toEqual([]);
    expect(rows.positions).toHaveLength(1);
    const [fix] = rows.positions;
    expect(fix).toMatchObject({ latitude: 34.757975, longitude: 113.665412, signalStrength: 31 });
    expect(fix!.quality).toBe(Quality.ExtrasUnparsed);
    expect(fix!.quality & UNQUALIFIED).toBe(0);
    expect(fix!.extras).toEqual({ unparsed: { offset: 31, reason: 'zero padding', hex: '0000' } });
  });

  it('stores a 0x0201 whose last item runs past the body', () => {
    const rows = rowsOf([delivery(0x0201, hex('0007', BASIC, SIGNAL, '010400000f'))]);
    expect(rows.rejected).toEqual([]);
    expect(rows.positions[0]!.quality).toBe(Quality.ExtrasUnparsed);
    expect(rows.positions[0]!.extras).toEqual({
      unparsed: { offset: 33, reason: 'item 0x01 declares 4 bytes, 3 left', hex: '010400000f' },
    });
  });

  it('stores the intact items of a 0x0704 with a broken one; a well-formed item stays unflagged', () => {
    const body = hex('000300', '001c', BASIC, '0004', 'deadbeef', '001e', BASIC, '3001');
    const rows = rowsOf([delivery(0x0704, body)]);
    expect(rows.rejected).toEqual([]);
    expect(rows.positions.map((p) => [p.source, p.quality])).toEqual([
      ['0/1796-0#0', 0],
      ['0/1796-0#1', Quality.ExtrasUnparsed],
    ]);
    expect(rows.positions[0]!.extras).toBeNull();
    expect(rows.positions[1]!.extras).toEqual({
      unparsed: { offset: 69, reason: 'item 0x30 declares 1 byte, 0 left', hex: '3001' },
    });
  });

  it('takes the intact parameters of a 0x0104 shorter than its count', () => {
    const rows = rowsOf([
      delivery(0x0104, hex('0021', '03', '00000001', '04', '0000003c', '00000029', '04')),
    ]);
    expect(rows.rejected).toEqual([]);
    expect(rows.parameters[0]!.values).toEqual(new Map([[0x0001, 60]]));
  });

  it('still dead-letters a location shorter than its basic information', () => {
    const rows = rowsOf([delivery(0x0200, BASIC.slice(0, 54))]);
    expect(rows.positions).toEqual([]);
    expect(rows.rejected[0]!.reason).toMatch(/location needs 28 bytes/);
  });
});
