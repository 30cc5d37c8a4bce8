import { emptyBodyCodec } from './message-codec.js';

/** 0x8201 位置信息查询: empty body; answered with 0x0201. */
export const locationQuery = emptyBodyCodec(0x8201, 'locationQuery', 'downlink');
