import { emptyBodyCodec } from './message-codec.js';

/** 0x0002 终端心跳: empty body; answered with 0x8001. */
export const heartbeat = emptyBodyCodec(0x0002, 'heartbeat', 'uplink');
