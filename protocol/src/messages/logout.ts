import { emptyBodyCodec } from './message-codec.js';

/** 0x0003 终端注销: empty body; the terminal gives up its registration and is answered with 0x8001. */
export const logout = emptyBodyCodec(0x0003, 'logout', 'uplink');
