import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CommandRequest, CommandResult, ErrorAnswer, IdParams, ref } from '@jt808/api-contract';
import { type CommandClient, CommandStatus } from '@jt808/bus';
import {
  decodeBody,
  encodeBody,
  type Header,
  isJt808Error,
  MessageId,
  type OutgoingMessage,
} from '@jt808/protocol';
import { scopeOf } from '@jt808/storage';
import { readableBody, typedParameter } from '../command-payload.js';
import { COMMAND_ROLES, type CommandName, maySendCommand } from '../rights.js';

/** The commands the API offers, each a downlink message of the codec, named as in its table. */
const COMMANDS: Record<CommandName, { name: CommandName; id: number }> = {
  locationQuery: { name: 'locationQuery', id: MessageId.locationQuery },
  queryParameters: { name: 'queryParameters', id: MessageId.queryParameters },
  setParameters: { name: 'setParameters', id: MessageId.setParameters },
  textMessage: { name: 'textMessage', id: MessageId.textMessage },
};

const STATUS_NAMES: Record<number, CommandResult['status']> = {
  [CommandStatus.Answered]: 'answered',
  [CommandStatus.Timeout]: 'timeout',
  [CommandStatus.Offline]: 'offline',
  [CommandStatus.SendFailed]: 'send-failed',
};

/**
 * Commands to a vehicle's terminal (position query, text message, set/query parameters): sent
 * through the bus to whichever gateway holds the terminal; the answer (decoded) or what became of it.
 */
export const commandRoutes: FastifyPluginAsyncTypebox<{
  commands: CommandClient | undefined;
}> = async (app, { commands }) => {
  const { pool } = app;
  app.post(
    '/vehicles/:id/commands',
    {
      config: { roles: COMMAND_ROLES },
      schema: {
        params: ref(IdParams),
        body: CommandRequest,
        response: { 200: CommandResult, '4xx': ref(ErrorAnswer), '5xx': ref(ErrorAnswer) },
      },
    },
    async (request, reply) => {
      const { role } = request.user;
      if (!maySendCommand(role, request.body.command))
        return reply.code(403).send({ error: `a ${role} may not send ${request.body.command} commands` });
      if (!commands) return reply.code(503).send({ error: 'no bus: commands are not available here' });
      const scope = scopeOf(request.user, 2);
      const { rows } = await pool.query<{ phone: string; edition: string | null }>(
        `SELECT t.phone, t.edition FROM vehicles vehicle JOIN terminals t ON t.vehicle_id = vehicle.id WHERE vehicle.id = $1 AND ${scope.vehicles}`,
        [request.params.id, ...scope.params],
      );
      const terminal = rows[0];
      if (!terminal) return reply.code(404).send({ error: 'no such vehicle' });
      const edition = terminal.edition === '2019' ? '2019' : '2013';
      const { name, id } = COMMANDS[request.body.command];
      let encoded: Uint8Array;
      try {
        encoded = encodeBody({
          name,
          header: { phone: '0', serial: 0, edition },
          body: commandBody(request.body),
        } as OutgoingMessage);
      } catch (error) {
        // Input the message cannot carry: no text or parameters, a value of the wrong type.
        if (error instanceof RangeError || isJt808Error(error))
          return reply.code(400).send({ error: error.message });
        throw error;
      }
      // Gateways know a terminal by the phone as its header carries it: 12 digits, 20 in 2019.
      const wirePhone = terminal.phone.padStart(edition === '2019' ? 20 : 12, '0');
      const result = await commands.send(wirePhone, id, encoded, (request.body.timeoutSeconds ?? 30) * 1000);
      const answer =
        result.replyBody && result.replyMessageId !== undefined
          ? decodeBody(
              {
                messageId: result.replyMessageId,
                edition: result.replyEdition === '2019' ? '2019' : '2013',
                protocolVersion: 0,
                bodyLength: result.replyBody.length,
                encryption: 0,
                phone: wirePhone,
                serial: result.replySerial ?? 0,
              } as Header,
              result.replyBody,
            )
          : undefined;
      return {
        status: STATUS_NAMES[result.status] ?? ('unknown' as const),
        answer: answer && { name: answer.name, body: readableBody(answer.body) as Record<string, unknown> },
      };
    },
  );
};

/** The message body of a command request. */
function commandBody(request: CommandRequest): object {
  if (request.command === 'textMessage') {
    if (!request.text?.trim()) throw new RangeError('a text message needs its text');
    return { flags: 0b1100, text: request.text };
  }
  if (request.command === 'setParameters') {
    if (!request.parameters?.length) throw new RangeError('setting parameters needs at least one');
    return { parameters: request.parameters.map(({ id, value }) => typedParameter(id, value)) };
  }
  return {};
}
