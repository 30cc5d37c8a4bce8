export type {
  BatchHandler,
  Bus,
  CommandChannel,
  ConsumeOptions,
  Delivery,
  Durability,
  EventConsumer,
  EventLog,
  SessionDirectory,
  Unsubscribe,
} from './bus.js';
export { CommandClient } from './command-client.js';
export { BusFullError, MemoryBus, type MemoryBusOptions } from './memory/memory-bus.js';
export { Lane, laneOf } from './redis/lanes.js';
export { RedisBus, type RedisBusOptions } from './redis/redis-bus.js';
export {
  type Command,
  type CommandResult,
  CommandStatus,
  decodeCommand,
  decodeCommandResult,
  decodeTerminalEvent,
  EventKind,
  encodeCommand,
  encodeCommandResult,
  encodeTerminalEvent,
  SCHEMA_PACKAGE,
  type TerminalEvent,
} from './schema.js';
