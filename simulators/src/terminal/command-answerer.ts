import type { Jt808Message, LocationFields, Parameter } from '@jt808/protocol';
import type { TerminalConnection } from './terminal-connection.js';

/** What a commanded terminal knows: where it is, its parameters, the texts it was shown. */
export interface AnsweringTerminalState {
  location: () => LocationFields;
  /** By id; setParameters changes them, queryParameters reports them all. */
  parameters: Map<number, Parameter['value']>;
  texts: string[];
}

/**
 * Makes a connected terminal answer the platform's commands as firmware does: 0x8201 with
 * 0x0201 (its location), 0x8104 with 0x0104 (its parameters), 0x8103 by storing the values and
 * 0x8300 by keeping the text, both acknowledged with 0x0001 success.
 */
export function answerCommands(terminal: TerminalConnection, state: AnsweringTerminalState): void {
  terminal.onDownlink = (message: Jt808Message) => {
    const replySerial = message.header.serial;
    switch (message.name) {
      case 'locationQuery':
        terminal.send('locationQueryResponse', { replySerial, location: state.location() });
        return;
      case 'queryParameters':
        terminal.send('parametersResponse', {
          replySerial,
          parameters: [...state.parameters].map(([id, value]) => ({ id, value })),
        });
        return;
      case 'setParameters':
        for (const { id, value } of message.body.parameters) state.parameters.set(id, value);
        break;
      case 'textMessage':
        state.texts.push(message.body.text);
        break;
      default:
        return;
    }
    terminal.send('terminalGeneralResponse', { replySerial, replyId: message.header.messageId, result: 0 });
  };
}
