import { connect, type Socket } from 'node:net';
import type { Edition, Registration } from '@jt808/protocol';
import type { TerminalConnection } from '@jt808/simulators';

export function registrationFor(edition: Edition, terminalId: string, plate = '豫A12345'): Registration {
  return {
    edition,
    provinceId: 41,
    cityId: 100,
    manufacturerId: 'ACME1',
    model: 'GT-808',
    terminalId,
    plateColor: 2,
    plate,
  };
}

/** Registers and authenticates; returns the auth code the gateway issued. */
export async function signIn(
  terminal: TerminalConnection,
  terminalId: string,
  plate?: string,
): Promise<string> {
  if (!terminal.connected) await terminal.connect();
  const reply = await terminal.request(
    'registration',
    registrationFor(terminal.options.edition, terminalId, plate),
  );
  if (reply.name !== 'registrationResponse' || reply.body.result !== 0) {
    throw new Error(`registration refused: ${JSON.stringify(reply.body)}`);
  }
  const authCode = reply.body.authCode!;
  const auth = await terminal.request('authentication', {
    authCode,
    imei: '860000000000001',
    softwareVersion: 'v1',
  });
  if (auth.name !== 'platformGeneralResponse' || auth.body.result !== 0)
    throw new Error('authentication refused');
  return authCode;
}

export function location(latitude = 34.757975, longitude = 113.665412) {
  return {
    alarm: 0,
    status: 0x000c0003,
    latitude,
    longitude,
    altitude: 110,
    speed: 62.5,
    direction: 90,
    time: new Date('2026-11-23T07:30:45Z'),
    extras: { mileage: 386.6, satellites: 12 },
  };
}

/** A bare TCP connection to the gateway, for peers that are not terminals. */
export function rawSocket(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

/** Resolves with the ms until the gateway closed the socket. */
export function closed(socket: Socket): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    if (socket.destroyed) resolve(0);
    socket.once('close', () => resolve(Date.now() - started));
  });
}
