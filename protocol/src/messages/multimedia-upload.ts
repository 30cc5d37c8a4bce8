import { BodyReader } from '../codec/reader.js';
import {
  decodeLocation,
  encodeLocation,
  LOCATION_BASIC_BYTES,
  type LocationFields,
} from '../location/location.js';
import type { MessageCodec } from './message-codec.js';
import { decodeMultimediaEvent, encodeMultimediaEvent, type MultimediaEvent } from './multimedia-fields.js';

/** 0x0801 多媒体数据上传 body. */
export interface MultimediaUpload extends MultimediaEvent {
  /** 位置信息汇报: where the item was captured; the 28-byte basic information only, so `extras` is empty. */
  location: LocationFields;
  /** 多媒体数据包: the media file's bytes (e.g. the whole JPEG). */
  data: Uint8Array;
}

/**
 * 0x0801 多媒体数据上传: usually arrives as sub-packages; this codec reads the reassembled body.
 * Answered with 0x8800 listing any sub-packages to resend.
 */
export const multimediaUpload: MessageCodec<'multimediaUpload', MultimediaUpload> = {
  id: 0x0801,
  name: 'multimediaUpload',
  direction: 'uplink',
  decode(r) {
    const event = decodeMultimediaEvent(r);
    // A reader over exactly the basic information, so no additional items are looked for.
    const basic = new BodyReader(r.bytes(LOCATION_BASIC_BYTES, 'location basic information'));
    return { ...event, location: decodeLocation(basic), data: r.rest() };
  },
  encode(w, body) {
    encodeMultimediaEvent(w, body);
    encodeLocation(w, body.location, false);
    w.bytes(body.data);
  },
};
