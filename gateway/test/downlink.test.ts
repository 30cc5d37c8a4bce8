import { CommandClient, CommandStatus } from '@jt808/bus';
import { decodeBody, encodeBody, type Header } from '@jt808/protocol';
import { type Harness, startHarness } from '@jt808/test-support/gateway-harness';
import { location, signIn } from '@jt808/test-support/terminal';
import { afterEach, describe, expect, it } from 'vitest';

let harness: Harness;
let client: CommandClient;
afterEach(async () => {
  await client?.stop();
  await harness?.close();
});

const body = (name: 'locationQuery' | 'queryAttributes' | 'setParameters', value: object) =>
  encodeBody({ name, header: { phone: '0', serial: 0 }, body: value } as never);

describe('downlink commands', () => {
  it('sends 0x8201 to the terminal and returns its 0x0201 answer', async () => {
    harness = await startHarness();
    client = new CommandClient(harness.bus);
    await client.start();
    const terminal = harness.terminal('013800000200');
    await signIn(terminal, 'T000200');
    terminal.onDownlink = (message) => {
      if (message.name === 'locationQuery') {
        terminal.send('locationQueryResponse', {
          replySerial: message.header.serial,
          location: location(34.1, 113.2),
        });
      }
    };
    const result = await client.send('013800000200', 0x8201, body('locationQuery', {}), 2000);
    expect(result.status).toBe(CommandStatus.Answered);
    expect(result.replyMessageId).toBe(0x0201);
    const header = { messageId: 0x0201, edition: '2013', protocolVersion: 0, encryption: 0 } as Header;
    const answer = decodeBody(header, result.replyBody!);
    expect(answer.name).toBe('locationQueryResponse');
    if (answer.name === 'locationQueryResponse') expect(answer.body.location.latitude).toBe(34.1);
  });

  it('matches a 0x0107 answer, which quotes no serial, to the 0x8107 it answers', async () => {
    harness = await startHarness();
    client = new CommandClient(harness.bus);
    await client.start();
    const terminal = harness.terminal('013800000201');
    await signIn(terminal, 'T000201');
    terminal.onDownlink = (message) => {
      if (message.name === 'queryAttributes') {
        terminal.send('attributesResponse', {
          terminalType: 1,
          manufacturerId: 'ACME1',
          model: 'GT-808',
          terminalId: 'T000201',
          iccid: '89860000000000000001',
          hardwareVersion: 'H1',
          firmwareVersion: 'F2',
          gnssAttributes: 3,
          commAttributes: 1,
        });
      }
    };
    const result = await client.send('013800000201', 0x8107, body('queryAttributes', {}), 2000);
    expect(result.status).toBe(CommandStatus.Answered);
    expect(result.replyMessageId).toBe(0x0107);
  });

  it('reports a general-response answer to 0x8103', async () => {
    harness = await startHarness();
    client = new CommandClient(harness.bus);
    await client.start();
    const terminal = harness.terminal('013800000202');
    await signIn(terminal, 'T000202');
    terminal.onDownlink = (message) => {
      if (message.name === 'setParameters') {
        expect(message.body.parameters).toEqual([{ id: 0x0001, value: 30 }]);
        terminal.send('terminalGeneralResponse', {
          replySerial: message.header.serial,
          replyId: 0x8103,
          result: 0,
        });
      }
    };
    const result = await client.send(
      '013800000202',
      0x8103,
      body('setParameters', { parameters: [{ id: 0x0001, value: 30 }] }),
      2000,
    );
    expect(result.status).toBe(CommandStatus.Answered);
    expect(result.replyMessageId).toBe(0x0001);
  });

  it('says offline for a terminal no gateway holds, and timeout for one that does not answer', async () => {
    harness = await startHarness();
    client = new CommandClient(harness.bus);
    await client.start();
    expect((await client.send('013899999999', 0x8201, new Uint8Array(0), 500)).status).toBe(
      CommandStatus.Offline,
    );
    const terminal = harness.terminal('013800000203');
    await signIn(terminal, 'T000203');
    const result = await client.send('013800000203', 0x8201, new Uint8Array(0), 300);
    expect(result.status).toBe(CommandStatus.Timeout);
    expect(terminal.inbox.some((m) => m.name === 'locationQuery')).toBe(true);
  });
});
