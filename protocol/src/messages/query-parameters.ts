import { emptyBodyCodec } from './message-codec.js';

/** 0x8104 查询终端参数: empty body; answered with 0x0104 carrying every parameter. */
export const queryParameters = emptyBodyCodec(0x8104, 'queryParameters', 'downlink');
