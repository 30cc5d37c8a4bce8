import type { MessageCodec } from './message-codec.js';

/** 0x0900 数据上行透传 body. */
export interface DataUplink {
  /**
   * 透传消息类型: 0x00 GNSS detailed positioning data, 0x0B road transport certificate IC card data,
   * 0x41 serial port 1, 0x42 serial port 2, 0xF0-0xFF user defined.
   */
  type: number;
  /** 透传消息内容: the payload, passed through uninterpreted. */
  data: Uint8Array;
}

/** 0x0900 数据上行透传: pass-through data from a device attached to the terminal. */
export const dataUplink: MessageCodec<'dataUplink', DataUplink> = {
  id: 0x0900,
  name: 'dataUplink',
  direction: 'uplink',
  decode(r) {
    const type = r.u8('pass-through type');
    return { type, data: r.rest() };
  },
  encode(w, body) {
    w.u8(body.type, 'pass-through type').bytes(body.data);
  },
};
