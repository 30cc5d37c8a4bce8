import { emptyBodyCodec } from './message-codec.js';

/** 0x8107 查询终端属性: empty body; answered with 0x0107. */
export const queryAttributes = emptyBodyCodec(0x8107, 'queryAttributes', 'downlink');
