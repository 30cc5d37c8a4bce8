export { parseCommandArgs, UsageError } from './cli/command-line.js';
export { BodyReader } from './codec/reader.js';
export { decodeGbk, encodeGbk } from './codec/text.js';
export type { Unparsed } from './codec/unparsed.js';
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
export { normalizePhone } from './frame/phone.js';
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
export type { AttributesResponse } from './messages/attributes-response.js';
export type { Authentication } from './messages/authentication.js';
export type { DataUplink } from './messages/data-uplink.js';
export type { GeneralResponse } from './messages/general-response.js';
export type { LocationBatch } from './messages/location-batch.js';
export type { LocationQueryResponse } from './messages/location-query-response.js';
export type { EmptyBody, MessageCodec } from './messages/message-codec.js';
export type { MultimediaEvent } from './messages/multimedia-fields.js';
export type { MultimediaUpload } from './messages/multimedia-upload.js';
export type { MultimediaUploadResponse } from './messages/multimedia-upload-response.js';
export type { ParametersResponse } from './messages/parameters-response.js';
export { PlatformResult } from './messages/platform-general-response.js';
export type { QuerySpecificParameters } from './messages/query-specific-parameters.js';
export type { Registration } from './messages/registration.js';
export { type RegistrationResponse, RegistrationResult } from './messages/registration-response.js';
export {
  type BodyOf,
  codecById,
  codecByName,
  codecs,
  MessageId,
  type MessageName,
} from './messages/registry.js';
export type { ResendRequest } from './messages/resend-request.js';
export type { SetParameters } from './messages/set-parameters.js';
export type { TemporaryTracking } from './messages/temporary-tracking.js';
export { TerminalCommand, type TerminalControl } from './messages/terminal-control.js';
export { TerminalResult } from './messages/terminal-general-response.js';
export { TextFlag, type TextMessage, TextType } from './messages/text-message.js';
export type { UpgradeResult } from './messages/upgrade-result.js';
export {
  decodeBody,
  decodeFrame,
  type EncryptedMessage,
  encodeBody,
  encodeMessage,
  encodeRaw,
  type FragmentMessage,
  type FrameParts,
  type Jt808Message,
  type KnownMessage,
  type OutgoingMessage,
  readFrame,
  type UnknownMessage,
} from './packet.js';
export type { Parameter } from './params/parameter-list.js';
export {
  ParameterId,
  type ParameterInfo,
  type ParameterName,
  type ParameterType,
  parameterByName,
  TERMINAL_PARAMETERS,
} from './params/parameter-table.js';
export {
  type IncompleteMessage,
  PACKET_SLOT_BYTES,
  type ReassembledMessage,
  SubPackageAssembler,
  type SubPackageAssemblerOptions,
} from './subpackage/assembler.js';
export { encodeSubPackages } from './subpackage/split.js';
