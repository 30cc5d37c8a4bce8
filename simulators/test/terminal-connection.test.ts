import { createServer, type Server, type Socket } from 'node:net';
import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';
import { TerminalConnection } from '../src/terminal/terminal-connection.js';

const servers: Server[] = [];
const connections: TerminalConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function listen(host: string, onSocket?: (socket: Socket) => void): Promise<number> {
  const server = createServer(onSocket);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, host, done));
  return (server.address() as { port: number }).port;
}

describe('TerminalConnection source ports', () => {
  it('connects from the port it is given, and from the system’s choice when that one is taken', async () => {
    const from = new Map<string, number>();
    const port = await listen('127.0.0.1', (socket) => {
      socket.on('error', () => {}); // the connections are reset at the end
      from.set(socket.remoteAddress!, socket.remotePort!);
    });
    // A port nobody holds (just released) and one a listener holds, each on an address of its own.
    const free = await listen('127.0.0.3');
    await new Promise((done) => servers.pop()!.close(done));
    const taken = await listen('127.0.0.2');
    let closes = 0;
    const connect = async (localAddress: string, localPort: number) => {
      const connection = new TerminalConnection({
        host: '127.0.0.1',
        port,
        phone: '13900000001',
        edition: '2013',
        localAddress,
        localPort,
      });
      connection.onClose = () => closes++;
      connections.push(connection);
      await connection.connect();
    };
    await connect('127.0.0.3', free);
    await connect('127.0.0.2', taken);
    await until(() => from.size === 2, 5000);
    expect(from.get('127.0.0.3')).toBe(free);
    expect(from.get('127.0.0.2')).not.toBe(taken);
    // The refused socket's close is not the connection's: nothing closed.
    await new Promise((done) => setTimeout(done, 100));
    expect(closes).toBe(0);
  });
});
