export { BodyReader } from './codec/reader.js';
export { decodeGbk, encodeGbk } from './codec/text.js';
export { BodyWriter } from './codec/writer.js';
export { isJt808Error, Jt808Error, type Jt808ErrorReason } from './errors.js';
export { checksum } from './frame/checksum.js';
export { escapedLength, escapeInto, unescapeFrame } from './frame/escape.js';
export {
  decodeHeader,
  type Edition,
  encodeHeader,
  type Header,
  type HeaderInit,
  headerLength,
  MAX_BODY_LENGTH,
  type SubPackage,
} from './frame/header.js';
export { DEFAULT_MAX_FRAME_BYTES, FrameSplitter, type FrameSplitterOptions } from './frame/splitter.js';
export {
  ALARM_BITS,
  alarmFlags,
  type FlagBit,
  type LoadState,
  loadState,
  STATUS_BITS,
  statusFlags,
} from './location/flags.js';
export { Location, type LocationExtras, type LocationFields, type RawItem } from './location/location.js';
export type { GeneralResponse } from './messages/general-response.js';
export type { EmptyBody, MessageCodec } from './messages/message-codec.js';
export { PlatformResult } from './messages/platform-general-response.js';
export {
  type BodyOf,
  codecById,
  codecByName,
  codecs,
  MessageId,
  type MessageName,
} from './messages/registry.js';
export { TerminalResult } from './messages/terminal-general-response.js';
export {
  decodeBody,
  decodeFrame,
  type EncryptedMessage,
  encodeMessage,
  encodeRaw,
  type FragmentMessage,
  type Jt808Message,
  type KnownMessage,
  type OutgoingMessage,
  type UnknownMessage,
} from './packet.js';
