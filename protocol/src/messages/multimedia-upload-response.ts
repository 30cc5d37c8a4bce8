import { readCountedList, writeCountedList } from '../codec/counted-list.js';
import type { MessageCodec } from './message-codec.js';

/** Body of 0x8800. */
export interface MultimediaUploadResponse {
  /** 多媒体 ID (DWORD, > 0): the media the 0x0801 packets belong to. */
  mediaId: number;
  /** 重传包 ID 列表: packet indexes (each a WORD) to send again; empty when every packet arrived. */
  retransmitIds: number[];
}

/**
 * 0x8800 多媒体数据上传应答. The standard says that when all packets were received the fields after
 * the media id are left out, so an empty list is encoded as the bare 4-byte media id. Decoding also
 * accepts the media id followed by a zero count, which some platforms send instead.
 */
export const multimediaUploadResponse: MessageCodec<'multimediaUploadResponse', MultimediaUploadResponse> = {
  id: 0x8800,
  name: 'multimediaUploadResponse',
  direction: 'downlink',
  decode: (r) => {
    const mediaId = r.u32('media id');
    if (r.remaining === 0) return { mediaId, retransmitIds: [] };
    return {
      mediaId,
      retransmitIds: readCountedList(r, 'BYTE', 'retransmit id', (r) => r.u16('retransmit id')),
    };
  },
  encode: (w, body) => {
    w.u32(body.mediaId, 'media id');
    if (body.retransmitIds.length === 0) return;
    writeCountedList(w, 'BYTE', 'retransmit id', body.retransmitIds, (w, id) => w.u16(id, 'retransmit id'));
  },
};
