import { readCountedList, writeCountedList } from '../codec/counted-list.js';
import type { MessageCodec } from './message-codec.js';

/** Body of 0x8106. */
export interface QuerySpecificParameters {
  /** 参数 ID 列表, each a DWORD (preceded on the wire by 参数总数, BYTE). */
  ids: number[];
}

/** 0x8106 查询指定终端参数; answered with 0x0104 carrying just these parameters. */
export const querySpecificParameters: MessageCodec<'querySpecificParameters', QuerySpecificParameters> = {
  id: 0x8106,
  name: 'querySpecificParameters',
  direction: 'downlink',
  decode: (r) => ({ ids: readCountedList(r, 'BYTE', 'parameter id', (r) => r.u32('parameter id')) }),
  encode: (w, body) =>
    writeCountedList(w, 'BYTE', 'parameter id', body.ids, (w, id) => w.u32(id, 'parameter id')),
};
