import { decodeGeneralResponse, encodeGeneralResponse, type GeneralResponse } from './general-response.js';
import type { MessageCodec } from './message-codec.js';

/** 0x0001 终端通用应答: the terminal's answer to a platform command. */
export const terminalGeneralResponse: MessageCodec<'terminalGeneralResponse', GeneralResponse> = {
  id: 0x0001,
  name: 'terminalGeneralResponse',
  direction: 'uplink',
  decode: decodeGeneralResponse,
  encode: encodeGeneralResponse,
};

/** Result codes of 0x0001. */
export const TerminalResult = { Success: 0, Failure: 1, MessageError: 2, NotSupported: 3 } as const;
