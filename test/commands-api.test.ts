import { CommandClient, MemoryBus } from '@jt808/bus';
import { DEFAULTS, FileRoster, Gateway } from '@jt808/gateway';
import { buildApi, migrate, saveUser } from '@jt808/platform';
import { TerminalConnection } from '@jt808/simulators';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, hasPostgres, type TestDatabase } from '../platform/test/database.js';

/** An operator's command through the API reaches the terminal over a real gateway, and the answer comes back. */
describe.skipIf(!hasPostgres)('commands through the API, the bus and the gateway', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await freshDatabase('commands');
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await pool.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州')`);
    await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A55555', 2, 1)`);
    await pool.query(`INSERT INTO terminals (phone, vehicle_id, edition) VALUES ('13900000555', 1, '2019')`);
    await saveUser(pool, { username: 'op', password: 'op-secret', role: 'operator', centerIds: [1] });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('queries a 2019 terminal for its position and returns the decoded answer', async () => {
    const bus = new MemoryBus();
    const log = pino({ level: 'silent' });
    bus.events.consume({ group: 'ingest', consumer: 'sink' }, async () => {});
    const gateway = new Gateway(
      { ...DEFAULTS, host: '127.0.0.1', port: 0, gatewayId: 'cmd-test' },
      { bus, roster: await FileRoster.open(undefined, 'pending'), log },
    );
    const { port } = await gateway.listen();
    const commands = new CommandClient(bus);
    await commands.start();
    const api = await buildApi({ pool, commands, secureCookies: false });

    const terminal = new TerminalConnection({
      host: '127.0.0.1',
      port,
      phone: '13900000555',
      edition: '2019',
    });
    await terminal.connect();
    const registered = await terminal.request('registration', {
      edition: '2019',
      provinceId: 41,
      cityId: 100,
      manufacturerId: 'ACME',
      model: 'M',
      terminalId: 'T555',
      plateColor: 2,
      plate: '豫A55555',
    });
    if (registered.name !== 'registrationResponse') throw new Error('no registration answer');
    await terminal.request('authentication', {
      authCode: registered.body.authCode!,
      imei: '860000000000555',
      softwareVersion: '1',
    });
    terminal.onDownlink = (message) => {
      if (message.name !== 'locationQuery') return;
      terminal.send('locationQueryResponse', {
        replySerial: message.header.serial,
        location: {
          alarm: 0,
          status: 3,
          latitude: 34.5,
          longitude: 113.5,
          altitude: 80,
          speed: 12.5,
          direction: 45,
          time: new Date('2026-11-23T08:00:00Z'),
          extras: {},
        },
      });
    };

    const login = await api.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'op', password: 'op-secret' },
    });
    const cookie = `jt808_session=${login.cookies.find((c) => c.name === 'jt808_session')!.value}`;
    const response = await api.inject({
      method: 'POST',
      url: '/api/vehicles/1/commands',
      headers: { cookie },
      payload: { command: 'locationQuery', timeoutSeconds: 5 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'answered',
      answer: {
        name: 'locationQueryResponse',
        body: { location: { latitude: 34.5, longitude: 113.5, speed: 12.5 } },
      },
    });

    terminal.destroy();
    await api.close();
    await commands.stop();
    await gateway.close();
    await bus.close();
  });
});
