import { type CountWidth, readCountedList, writeCountedList } from '../codec/counted-list.js';
import type { Edition } from '../frame/header.js';
import type { MessageCodec } from './message-codec.js';

/** Body of 0x8003. */
export interface ResendRequest {
  /** 原始消息流水号 (WORD): serial of the first packet of the sub-packaged message. */
  originalSerial: number;
  /** 重传包 ID 列表: the packet indexes (each a WORD) to send again. */
  packetIds: number[];
}

/** 重传包总数 is a BYTE in 2011/2013 and a WORD in 2019. */
function countWidth(edition: Edition): CountWidth {
  return edition === '2019' ? 'WORD' : 'BYTE';
}

/** 0x8003 补传分包请求: asks the terminal to resend the packets of a sub-packaged message it lost. */
export const resendRequest: MessageCodec<'resendRequest', ResendRequest> = {
  id: 0x8003,
  name: 'resendRequest',
  direction: 'downlink',
  decode: (r, header) => {
    const originalSerial = r.u16('original serial');
    const packetIds = readCountedList(r, countWidth(header.edition), 'packet id', (r) => r.u16('packet id'));
    return { originalSerial, packetIds };
  },
  encode: (w, body, edition) => {
    w.u16(body.originalSerial, 'original serial');
    writeCountedList(w, countWidth(edition), 'packet id', body.packetIds, (w, id) => w.u16(id, 'packet id'));
  },
};
