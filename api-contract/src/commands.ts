import { type Static, Type } from 'typebox';
import { OneOf } from './shared.js';

/** The downlink commands of the API, each a message of the codec. */
export const COMMAND_NAMES = ['locationQuery', 'queryParameters', 'setParameters', 'textMessage'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** POST /api/vehicles/:id/commands: which command, with its text or parameters, and how long to wait. */
export const CommandRequest = Type.Object(
  {
    command: OneOf(COMMAND_NAMES),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    parameters: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.Integer({ minimum: 0, maximum: 0xffffffff }),
            value: Type.Union([Type.Integer(), Type.String({ maxLength: 255 })]),
          },
          { additionalProperties: false },
        ),
        { maxItems: 50 },
      ),
    ),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: 30 })),
  },
  { additionalProperties: false },
);
export type CommandRequest = Static<typeof CommandRequest>;

/** What became of a command, with the terminal's decoded answer when it gave one. */
export const CommandResult = Type.Object({
  status: OneOf(['answered', 'timeout', 'offline', 'send-failed', 'unknown']),
  /** The answer as the codec decodes it: bytes as hex, parameters named (command-payload.ts). */
  answer: Type.Optional(
    Type.Object({
      name: Type.String(),
      // Any object the codec decodes, sent as JSON gives it (a schema-less part).
      body: Type.Unsafe<Record<string, unknown>>({ description: 'the decoded message body' }),
    }),
  ),
});
export type CommandResult = Static<typeof CommandResult>;
