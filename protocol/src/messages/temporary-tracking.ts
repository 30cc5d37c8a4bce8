import type { MessageCodec } from './message-codec.js';

/** Body of 0x8202. */
export interface TemporaryTracking {
  /** 时间间隔 (WORD), s between location reports; 0 stops tracking. */
  interval: number;
  /** 位置跟踪有效期 (DWORD), s: how long the terminal keeps reporting at `interval`. */
  validity: number;
}

/**
 * 0x8202 临时位置跟踪控制. The standard lets a stop command (interval 0) leave out the validity
 * field; decoding accepts that short form (validity 0), while encoding always writes both fields,
 * which every terminal accepts and keeps the body's shape fixed.
 */
export const temporaryTracking: MessageCodec<'temporaryTracking', TemporaryTracking> = {
  id: 0x8202,
  name: 'temporaryTracking',
  direction: 'downlink',
  decode: (r) => {
    const interval = r.u16('interval');
    const stopWithoutValidity = interval === 0 && r.remaining === 0;
    return { interval, validity: stopWithoutValidity ? 0 : r.u32('validity') };
  },
  encode: (w, body) => {
    w.u16(body.interval, 'interval').u32(body.validity, 'validity');
  },
};
