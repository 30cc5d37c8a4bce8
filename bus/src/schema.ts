import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { readTerminalEvent } from './event-reader.js';
import { writeTerminalEvent } from './event-writer.js';

/**
 * TypeScript view of schema/events.proto (jt808.bus.v1) and its binary encoding. The .proto file is
 * the source of truth; it is parsed once at load time (protobufjs reflection), which keeps the repo
 * free of generated code.
 */
const PROTO_PATH = new URL('../schema/events.proto', import.meta.url);
const root = protobuf.parse(readFileSync(PROTO_PATH, 'utf8')).root;
const TerminalEventType = root.lookupType('jt808.bus.v1.TerminalEvent');
const CommandType = root.lookupType('jt808.bus.v1.Command');
const CommandResultType = root.lookupType('jt808.bus.v1.CommandResult');

export const SCHEMA_PACKAGE = 'jt808.bus.v1';

export const EventKind = {
  /** A stream entry that did not parse as an event; consumers dead-letter it. */
  Unreadable: 0,
  Message: 1,
  Connected: 2,
  Authenticated: 3,
  Disconnected: 4,
  Registered: 5,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

export interface TerminalEvent {
  kind: EventKind;
  phone: string;
  gatewayId: string;
  sessionId: string;
  atMs: number;
  messageId?: number;
  serial?: number;
  edition?: string;
  protocolVersion?: number;
  body?: Uint8Array;
  reason?: string;
  remoteAddress?: string;
}

export interface Command {
  commandId: string;
  phone: string;
  messageId: number;
  body: Uint8Array;
  timeoutMs: number;
  replyTo: string;
  sentAtMs: number;
}

export const CommandStatus = {
  Answered: 1,
  Timeout: 2,
  Offline: 3,
  SendFailed: 4,
} as const;
export type CommandStatus = (typeof CommandStatus)[keyof typeof CommandStatus];

export interface CommandResult {
  commandId: string;
  phone: string;
  status: CommandStatus;
  replyMessageId?: number;
  replySerial?: number;
  replyEdition?: string;
  replyBody?: Uint8Array;
  gatewayId?: string;
  atMs: number;
}

/** One event's bytes; the common case by the allocation-free writer, anything unusual by protobufjs. */
export function encodeTerminalEvent(event: TerminalEvent): Uint8Array {
  return writeTerminalEvent(event) ?? encodeByReflection(event);
}

/** protobufjs's own encoding: the reference the writer is tested against. */
export function encodeByReflection(event: TerminalEvent): Uint8Array {
  return TerminalEventType.encode(event).finish();
}

/** One event; the common case by the direct reader, anything unusual (and every error) by protobufjs. */
export function decodeTerminalEvent(bytes: Uint8Array): TerminalEvent {
  return (Buffer.isBuffer(bytes) && readTerminalEvent(bytes)) || decodeByReflection(bytes);
}

/** protobufjs's own decoding: the reference the reader is tested against. */
export function decodeByReflection(bytes: Uint8Array): TerminalEvent {
  return fromWire(TerminalEventType, bytes) as unknown as TerminalEvent;
}

export function encodeCommand(command: Command): Uint8Array {
  return CommandType.encode(command).finish();
}

export function decodeCommand(bytes: Uint8Array): Command {
  return fromWire(CommandType, bytes) as unknown as Command;
}

export function encodeCommandResult(result: CommandResult): Uint8Array {
  return CommandResultType.encode(result).finish();
}

export function decodeCommandResult(bytes: Uint8Array): CommandResult {
  return fromWire(CommandResultType, bytes) as unknown as CommandResult;
}

/** A plain object: int64 fields as numbers (ms timestamps fit a double exactly), absent fields absent. */
function fromWire(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(bytes), { longs: Number });
}
