import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// These tests run the real command the way `npx jt808` does: node on the committed shim, which
// imports the compiled dist/. So the package is built first.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = 'protocol/bin/jt808.js';

beforeAll(() => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'protocol/tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
}, 180_000);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout as one parsed JSON value per line (for decode, and encode's error objects). */
  readonly lines: Record<string, unknown>[];
}

function jt808(args: string[], stdin = ''): Run {
  const { status, stdout, stderr } = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input: stdin,
    encoding: 'utf8',
  });
  return {
    status,
    stdout,
    stderr,
    get lines() {
      return stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line));
    },
  };
}

// The worked 0x0200 example of location-report.test.ts (JT/T 808-2013 tables 3, 23-27): terminal
// 013912345678, serial 7, alarm 0x21, status 0x000C0003, 34.757975 N 113.665412 E, 110 m,
// 62.5 km/h, 90°, 2026-11-23 15:30:45 Beijing time, mileage 386.6 km, signal 31, 12 satellites,
// and an unknown item 0xEE holding 7e 7d (escaped on the wire).
const LOCATION =
  '7e0200002c013912345678000700000021000c000302125d5706c66584006e0271005a261123153045' +
  '010400000f1a30011f31010cee027d027d01d27e';

// 0x0002 heartbeats from terminal 013912345678 with serials 1 and 2. Header 0002 0000
// 013912345678 000N, check code = XOR of those 12 bytes: 0x33 for serial 1, 0x30 for serial 2.
const HEARTBEAT_1 = '7e000200000139123456780001337e';
const HEARTBEAT_2 = '7e000200000139123456780002307e';
const HEARTBEAT_1_BAD_CHECKSUM = '7e000200000139123456780001347e';

const heartbeat = (serial: number) => ({
  id: '0x0002',
  name: 'heartbeat',
  edition: '2013',
  phone: '013912345678',
  serial,
  encryption: 0,
  body: {},
});

describe('jt808 decode', () => {
  it('decodes the worked 0x0200 example into readable fields', () => {
    const run = jt808(['decode', LOCATION]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.lines).toEqual([
      {
        id: '0x0200',
        name: 'locationReport',
        edition: '2013',
        phone: '013912345678',
        serial: 7,
        encryption: 0,
        body: {
          latitude: 34.757975,
          longitude: 113.665412,
          speed: 62.5,
          altitude: 110,
          direction: 90,
          time: '2026-11-23T07:30:45.000Z',
          alarm: '0x00000021',
          alarmFlags: ['emergency', 'gnssAntennaOpen'],
          status: '0x000c0003',
          statusFlags: ['accOn', 'positioned', 'gps', 'beidou'],
          load: 'empty',
          extras: {
            mileage: 386.6,
            signalStrength: 31,
            satellites: 12,
            others: [{ id: 0xee, data: '7e7d' }],
          },
        },
      },
    ]);
  });

  it('reads hex the way it is pasted from logs', () => {
    const spaced = HEARTBEAT_1.toUpperCase().replace(/(..)(?!$)/g, '$1 ');
    const run = jt808([
      'decode',
      `2026-11-23 10:00:01 INFO rx ${HEARTBEAT_1}`,
      `[gw-3] 2026-11-23T10:00:02Z DEBUG recv ${spaced} (15 bytes)`,
      HEARTBEAT_1.replace(/(..)(?!$)/g, '$1:'),
      HEARTBEAT_1.replace(/(..)/g, '0x$1, '),
      HEARTBEAT_1.slice(2, -2),
    ]);
    expect(run.status).toBe(0);
    expect(run.lines).toEqual(Array(5).fill(heartbeat(1)));
  });

  it('joins an unquoted spaced dump that the shell split into one argument per byte', () => {
    const run = jt808(['decode', ...HEARTBEAT_1.match(/../g)!]);
    expect(run.lines).toEqual([heartbeat(1)]);
  });

  it('prints every frame of a line holding several back to back', () => {
    const run = jt808(['decode', `rx ${HEARTBEAT_1}${HEARTBEAT_2}`]);
    expect(run.lines).toEqual([heartbeat(1), heartbeat(2)]);
  });

  it('reads stdin line by line, keeps going past a bad frame and exits 1', () => {
    const stdin = [
      `10:00:01 rx ${HEARTBEAT_1}`,
      '',
      HEARTBEAT_1_BAD_CHECKSUM,
      'connection closed by peer',
      `10:00:03 rx ${LOCATION}\r`,
      HEARTBEAT_2,
    ].join('\n');
    const run = jt808(['decode'], stdin);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.lines).toHaveLength(5);
    expect(run.lines[0]).toEqual(heartbeat(1));
    expect(run.lines[1]).toEqual({
      error: 'bad-checksum',
      message: 'check code 0x34, computed 0x33',
      input: HEARTBEAT_1_BAD_CHECKSUM,
    });
    expect(run.lines[2]).toMatchObject({ error: 'no-hex', input: 'connection closed by peer' });
    expect(run.lines[3]).toMatchObject({ name: 'locationReport', serial: 7 });
    expect(run.lines[4]).toEqual(heartbeat(2));
  });

  it('reports short and badly escaped frames without a stack trace', () => {
    // A 0x0200 header declaring 44 body bytes (0x2c) over a 4-byte body, with a correct check code
    // (0x38); and a heartbeat whose check code is followed by the invalid escape 7d 03.
    const short = '7e0200002c013912345678000700000021387e';
    const run = jt808(['decode', short, '7e000200000139123456780001337d037e']);
    expect(run.status).toBe(1);
    expect(run.lines.map((line) => line.error)).toEqual(['body-length-mismatch', 'bad-escape']);
    expect(run.stdout).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('shows what a sloppy frame had skipped and why, in the JSON and on stderr', () => {
    // 0x0200 whose additional area ends in five zero bytes of padding (see lenient.test.ts).
    const padded =
      '7e02000024013912345678000700000000000c000302125d5706c66584006e0271005a26112315304530011f0000000000387e';
    const run = jt808(['decode', padded]);
    expect(run.status).toBe(0);
    const body = run.lines[0]!.body as { extras: unknown };
    expect(body.extras).toEqual({
      signalStrength: 31,
      unparsed: { offset: 31, reason: 'zero padding', data: '0000000000' },
    });
    expect(run.stderr).toBe(
      'jt808: 0x0200 serial 7: body.extras: skipped 5 bytes at body offset 31: zero padding\n',
    );
    expect(jt808(['decode', '--help']).stdout).toContain('"unparsed": {"offset", "reason", "data"}');
  });

  it('pretty-prints on request, compact by default in a pipe', () => {
    const pretty = jt808(['decode', '--pretty', HEARTBEAT_1]);
    expect(pretty.stdout).toBe(
      '{\n  "id": "0x0002",\n  "name": "heartbeat",\n  "edition": "2013",\n  "phone": "013912345678",\n' +
        '  "serial": 1,\n  "encryption": 0,\n  "body": {}\n}\n',
    );
    expect(jt808(['decode', '--pretty', LOCATION]).stdout).toContain(
      '"alarmFlags": ["emergency", "gnssAntennaOpen"]',
    );
    expect(jt808(['decode', HEARTBEAT_1]).stdout.split('\n')).toHaveLength(2);
  });
});

describe('jt808 encode', () => {
  // 0x8001 answering the 0x0200 with serial 7, to 13800138000, serial 1. By hand from tables 2-3:
  // id 8001, attributes 0005 (5-byte body), BCD phone 013800138000, serial 0001, body 0007 0200 00,
  // check code = XOR of all of these = 0x2a. The 2019 header sets attribute bit 14 (4005) and adds
  // version 01 and a 10-byte phone, which makes the check code 0x6b.
  const RESPONSE_2013 = '7e80010005013800138000000100070200002a7e';
  const RESPONSE_2019 = '7e800140050100000000013800138000000100070200006b7e';

  it('encodes a 0x8001 written by hand', () => {
    const message = {
      name: 'platformGeneralResponse',
      header: { phone: '13800138000', serial: 1 },
      body: { replySerial: 7, replyId: '0x0200', result: 0 },
    };
    const run = jt808(['encode', JSON.stringify(message)]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${RESPONSE_2013}\n`);
    const in2019 = { ...message, header: { ...message.header, edition: '2019' } };
    expect(jt808(['encode', JSON.stringify(in2019)]).stdout).toBe(`${RESPONSE_2019}\n`);
  });

  it('takes an id instead of a name, and JSON on stdin, one object per line or pretty-printed', () => {
    const byId =
      '{"id":"0x8001","phone":"13800138000","serial":1,"body":{"replySerial":7,"replyId":512,"result":0}}';
    const pretty = JSON.stringify(JSON.parse(byId), null, 2);
    const run = jt808(['encode'], `${byId}\n${pretty}\n`);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${RESPONSE_2013}\n${RESPONSE_2013}\n`);
  });

  it('prints an error object for a message it cannot encode and goes on', () => {
    const stdin = [
      '{"name":"noSuchMessage","phone":"1"}',
      '{"name":"heartbeat","phone":"13912345678","serial":1}',
      '{"name":"platformGeneralResponse","phone":"1","body":{"replySerial":70000,"replyId":1,"result":0}}',
      'not json',
    ].join('\n');
    const run = jt808(['encode'], stdin);
    expect(run.status).toBe(1);
    const out = run.stdout.split('\n');
    expect(JSON.parse(out[0]!)).toMatchObject({ error: 'bad-input' });
    expect(out[1]).toBe(HEARTBEAT_1);
    expect(JSON.parse(out[2]!)).toMatchObject({ error: 'bad-value' });
    expect(JSON.parse(out[3]!)).toMatchObject({ error: 'bad-json', input: 'not json' });
  });

  it('round-trips what decode prints, frame for frame', () => {
    // The last is an id no codec knows (0x1234, 3-byte body 010203, check code 0x1f).
    const frames = [LOCATION, HEARTBEAT_1, RESPONSE_2019, '7e12340003013912345678000a0102031f7e'];
    const decoded = jt808(['decode', ...frames]);
    expect(decoded.status).toBe(0);
    expect(decoded.lines[3]).toMatchObject({ id: '0x1234', name: 'unknown', body: '010203' });
    const encoded = jt808(['encode'], decoded.stdout);
    expect(encoded.status).toBe(0);
    expect(encoded.stdout).toBe(`${frames.join('\n')}\n`);
  });
});

describe('jt808 usage', () => {
  it('shows help and the version', () => {
    for (const args of [['--help'], ['decode', '--help'], ['encode', '-h'], ['help', 'encode']]) {
      const run = jt808(args);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^(jt808 - |Usage: jt808 )/);
    }
    expect(jt808(['decode', '--help']).stdout).toContain('Usage: jt808 decode');
    const { version } = JSON.parse(readFileSync(`${ROOT}/protocol/package.json`, 'utf8'));
    expect(jt808(['--version']).stdout).toBe(`${version}\n`);
  });

  it('exits 2 with a short message on a bad command line', () => {
    for (const args of [[], ['frobnicate'], ['decode', '--frob'], ['decode', '--pretty', '--compact']]) {
      const run = jt808(args);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^jt808: .*\nRun 'jt808 --help' for usage.\n$/);
    }
  });
});
