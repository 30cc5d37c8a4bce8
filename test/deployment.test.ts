import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TUNED_SETTINGS } from '../bench/ingest/own-postgres.js';
import { DEFAULTS, parseConfig } from '../gateway/src/config.js';

/**
 * No Docker engine runs where the tests run, so docker-compose.yml is kept true to the code by
 * reading it: every command must name a file of the repository and options the program accepts.
 */
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | undefined>;
  ports?: string[];
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, Service>;
};
const gateways = Object.entries(compose.services).filter(
  ([, s]) => s.command?.[1] === 'gateway/bin/jt808-gateway.js',
);
const platform = Object.entries(compose.services).filter(
  ([, s]) => s.command?.[1] === 'platform/bin/jt808-platform.js',
);

describe('docker-compose.yml', () => {
  it('runs at least two gateways built from this repository', () => {
    expect(gateways.length).toBeGreaterThanOrEqual(2);
    for (const [, service] of gateways) {
      expect(service.build).toBe('.');
      expect(existsSync(new URL(`../${service.command![1]}`, import.meta.url))).toBe(true);
    }
    expect(existsSync(new URL('../Dockerfile', import.meta.url))).toBe(true);
  });

  it('gives every gateway options and environment its configuration parser accepts', () => {
    for (const [name, service] of gateways) {
      const config = parseConfig(service.command!.slice(2), service.environment ?? {});
      if (config === 'help') throw new Error(`${name} asks for help`);
      expect(config.redisUrl, name).toBe('redis://redis:6379');
      const published = (service.ports ?? []).map((p) => Number(p.split(':')[1]));
      expect(published, name).toContain(config.port);
      expect(published, name).toContain(config.httpPort);
      expect(config.gatewayId, name).toBe(name);
    }
    expect(DEFAULTS.port).toBe(6808);
  });

  it('runs the bus Redis with an append-only file fsynced on every write', () => {
    const command = compose.services.redis?.command ?? [];
    expect(command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--appendfsync', 'always']));
    expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    expect(command[command.indexOf('--appendfsync') + 1]).toBe('always');
  });

  it('has a TimescaleDB for PostgreSQL 15 that the platform services point at', () => {
    const timescale = compose.services.timescaledb!;
    expect(timescale.image).toMatch(/^timescale\/timescaledb:.*pg15/);
    const database = new URL(platform[0]![1].environment!.DATABASE_URL!);
    expect(database.hostname).toBe('timescaledb');
    expect(database.pathname).toBe(`/${timescale.environment!.POSTGRES_DB}`);
    expect(database.password).toBe(timescale.environment!.POSTGRES_PASSWORD);
  });

  it('sizes the WAL of TimescaleDB as the ingest benchmark sized its own server', () => {
    const command = compose.services.timescaledb!.command ?? [];
    expect(command[0]).toBe('postgres');
    const settings = Object.fromEntries(
      command.flatMap((arg, i) => (command[i - 1] === '-c' ? [arg.split('=')] : [])),
    );
    for (const name of ['max_wal_size', 'checkpoint_timeout'])
      expect(settings[name], name).toBe(TUNED_SETTINGS[name]);
  });

  it('runs two ingest workers and one status engine, with distinct consumer names and options the platform CLI takes', () => {
    const commands = platform.map(([, service]) => service.command![2]);
    expect(commands.filter((c) => c === 'ingest')).toHaveLength(2);
    expect(commands.filter((c) => c === 'status')).toHaveLength(1);
    const help = execFileSync(
      process.execPath,
      [fileURLToPath(new URL('../platform/bin/jt808-platform.js', import.meta.url)), '--help'],
      {
        encoding: 'utf8',
      },
    );
    const consumers = new Set<string>();
    for (const [name, service] of platform) {
      const [, , command, ...options] = service.command!;
      expect(help, name).toContain(`jt808-platform ${command}`);
      for (const option of options.filter((o) => o.startsWith('--')))
        expect(help, `${name} ${option}`).toContain(option);
      consumers.add(options[options.indexOf('--consumer') + 1]!);
      expect(service.environment?.REDIS_URL, name).toBe('redis://redis:6379');
    }
    expect(consumers.size).toBe(platform.length);
  });
});
