import type { AddressInfo } from 'node:net';
import { startSideHttp } from '@jt808/platform';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../gateway/src/config.js';
import { startHttp } from '../gateway/src/runtime/http.js';

/** What a failing endpoint may have in its error: the password must not reach the answer. */
const LEAK = 'connect ECONNREFUSED postgres://jt808_app:hunter2@db.internal:5432/jt808';

/**
 * /metrics and /healthz of the gateway and of the platform's processes: on loopback unless opened
 * on purpose, and a failure answers 500 without the error's text.
 */
describe('side ports (/metrics, /healthz)', () => {
  it('the gateway listens on loopback by default; --http-host or JT808_HTTP_HOST opens them', () => {
    const config = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const parsed = parseConfig(argv, env);
      if (parsed === 'help') throw new Error('help');
      return parsed;
    };
    expect(config([]).httpHost).toBe('127.0.0.1');
    expect(config(['--http-host', '0.0.0.0']).httpHost).toBe('0.0.0.0');
    expect(config([], { JT808_HTTP_HOST: '0.0.0.0' }).httpHost).toBe('0.0.0.0');
    // The terminals' listen address is another matter: still every interface.
    expect(config([]).host).toBe('0.0.0.0');
  });

  it('the gateway answers a failing endpoint 500 without the error text, and reports the error', async () => {
    const reported: unknown[] = [];
    const server = await startHttp(0, '127.0.0.1', {
      metrics: async () => {
        throw new Error(LEAK);
      },
      health: async () => ({ ok: true }),
      onError: (error) => reported.push(error),
    });
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('hunter2');
      expect(reported).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('a platform process listens on loopback by default and answers a failing endpoint without the error text', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const http = await startSideHttp({
      port: 0,
      registry: new Registry(),
      health: () => {
        throw new Error(LEAK);
      },
      log,
    });
    try {
      const address = http.server.address() as AddressInfo;
      expect(address.address).toBe('127.0.0.1');
      const response = await fetch(`http://127.0.0.1:${address.port}/healthz`);
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('hunter2');
      expect(lines.join('')).toContain('/metrics or /healthz failed');
      expect((await fetch(`http://127.0.0.1:${address.port}/metrics`)).status).toBe(200);
    } finally {
      await http.close();
    }
  });
});
