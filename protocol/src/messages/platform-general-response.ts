import { decodeGeneralResponse, encodeGeneralResponse, type GeneralResponse } from './general-response.js';
import type { MessageCodec } from './message-codec.js';

/** 0x8001 平台通用应答: the platform's answer to a terminal message. */
export const platformGeneralResponse: MessageCodec<'platformGeneralResponse', GeneralResponse> = {
  id: 0x8001,
  name: 'platformGeneralResponse',
  direction: 'downlink',
  decode: decodeGeneralResponse,
  encode: encodeGeneralResponse,
};

/** Result codes of 0x8001. */
export const PlatformResult = {
  Success: 0,
  Failure: 1,
  MessageError: 2,
  NotSupported: 3,
  AlarmAcknowledged: 4,
} as const;
