import type { MessageCodec } from './message-codec.js';
import { decodeMultimediaEvent, encodeMultimediaEvent, type MultimediaEvent } from './multimedia-fields.js';

/** 0x0800 多媒体事件信息上传: announces a captured item before its 0x0801 upload. */
export const multimediaEvent: MessageCodec<'multimediaEvent', MultimediaEvent> = {
  id: 0x0800,
  name: 'multimediaEvent',
  direction: 'uplink',
  decode: decodeMultimediaEvent,
  encode: encodeMultimediaEvent,
};
