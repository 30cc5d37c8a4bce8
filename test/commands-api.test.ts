import { buildApi, type Role, saveUser } from '@jt808/api';
import { CommandClient, MemoryBus } from '@jt808/bus';
import { DEFAULTS, FileRoster, Gateway } from '@jt808/gateway';
import { type AnsweringTerminalState, answerCommands, TerminalConnection } from '@jt808/simulators';
import { migrate } from '@jt808/storage';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Commands through the API reach the terminal over a real gateway, and the answers come back. */
describe.skipIf(!hasPostgres)('commands through the API, the bus and the gateway', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const bus = new MemoryBus();
  const commands = new CommandClient(bus);
  let gateway: Gateway;
  let api: FastifyInstance;
  const mismatches: unknown[] = [];
  let terminal: TerminalConnection;
  const cookies = new Map<Role, string>();
  const terminalState: AnsweringTerminalState = {
    location: () => ({
      alarm: 0,
      status: 3,
      latitude: 34.5,
      longitude: 113.5,
      altitude: 80,
      speed: 12.5,
      direction: 45,
      time: new Date('2026-11-23T08:00:00Z'),
      extras: {},
    }),
    parameters: new Map<number, number | string | Uint8Array>([
      [0x0001, 60],
      [0x0010, 'cmnet'],
    ]),
    texts: [],
  };

  beforeAll(async () => {
    db = await freshDatabase('commands');
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await pool.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州')`);
    await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A55555', 2, 1)`);
    await pool.query(`INSERT INTO terminals (phone, vehicle_id, edition) VALUES ('13900000555', 1, '2019')`);
    const users: [Role, string][] = [
      ['operator', 'op'],
      ['desk', 'desk'],
      ['viewer', 'viewer'],
    ];
    for (const [role, username] of users)
      await saveUser(pool, { username, password: `${username}-secret`, role, centerIds: [1] });

    bus.events.consume({ group: 'ingest', consumer: 'sink' }, async () => {});
    gateway = new Gateway(
      { ...DEFAULTS, host: '127.0.0.1', port: 0, gatewayId: 'cmd-test' },
      { bus, roster: await FileRoster.open(undefined, 'pending'), log: pino({ level: 'silent' }) },
    );
    const { port } = await gateway.listen();
    await commands.start();
    api = await buildApi({
      pool,
      commands,
      secureCookies: false,
      onResponseMismatch: (mismatch) => mismatches.push(mismatch),
    });
    for (const [role, username] of users) {
      const login = await api.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username, password: `${username}-secret` },
      });
      cookies.set(role, `jt808_session=${login.cookies.find((c) => c.name === 'jt808_session')!.value}`);
    }

    terminal = new TerminalConnection({ host: '127.0.0.1', port, phone: '13900000555', edition: '2019' });
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
    answerCommands(terminal, terminalState);
  });
  afterAll(async () => {
    terminal?.destroy();
    await api?.close();
    await commands.stop();
    await gateway?.close();
    await bus.close();
    await pool?.end();
    await db?.drop();
  });

  const send = (role: Role, payload: object) =>
    api.inject({
      method: 'POST',
      url: '/api/vehicles/1/commands',
      headers: { cookie: cookies.get(role)! },
      payload: { timeoutSeconds: 5, ...payload },
    });

  it('queries a 2019 terminal for its position and returns the decoded answer', async () => {
    const response = await send('operator', { command: 'locationQuery' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'answered',
      answer: {
        name: 'locationQueryResponse',
        body: { location: { latitude: 34.5, longitude: 113.5, speed: 12.5 } },
      },
    });
  });

  it('sets parameters typed by the parameter table and reads them back named', async () => {
    // A form sends every value as text: the DWORD heartbeat interval becomes a number.
    const set = await send('operator', {
      command: 'setParameters',
      parameters: [
        { id: 0x0001, value: '30' },
        { id: 0x0010, value: 'cmiot' },
      ],
    });
    expect(set.json()).toMatchObject({
      status: 'answered',
      answer: { name: 'terminalGeneralResponse', body: { replyId: 0x8103, result: 0 } },
    });
    expect(terminalState.parameters.get(0x0001)).toBe(30);
    const query = await send('operator', { command: 'queryParameters' });
    expect(query.json().answer.body.parameters).toEqual([
      { id: 0x0001, value: 30, name: 'heartbeatInterval', zh: '终端心跳发送间隔', unit: 's' },
      { id: 0x0010, value: 'cmiot', name: 'mainServerApn', zh: expect.stringContaining('APN') },
    ]);
    const wrong = await send('operator', {
      command: 'setParameters',
      parameters: [{ id: 0x0001, value: 'soon' }],
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatch(/whole number/);
    expect((await send('operator', { command: 'setParameters' })).statusCode).toBe(400);
  });

  it('lets the service desk locate and message but not reconfigure; viewers send nothing', async () => {
    const text = await send('desk', { command: 'textMessage', text: '请回电客服' });
    expect(text.json()).toMatchObject({ status: 'answered', answer: { body: { result: 0 } } });
    expect(terminalState.texts).toEqual(['请回电客服']);
    expect((await send('desk', { command: 'locationQuery' })).json().status).toBe('answered');
    const refused = await send('desk', { command: 'setParameters', parameters: [{ id: 1, value: 10 }] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('a desk may not send setParameters commands');
    expect((await send('viewer', { command: 'locationQuery' })).statusCode).toBe(403);
  });

  it('answered every command as its contract schema says, field for field (platform/api/src/response-check.ts)', () => {
    expect(mismatches).toEqual([]);
  });
});
