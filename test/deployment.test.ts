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
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const text = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** `${NAME}`, `${NAME:?message}` and the like: what docker compose fills in from .env. */
const VARIABLE = /\$\{([A-Z][A-Z0-9_]*)(?::?[-?+][^}]*)?\}/g;

/** The file as docker compose reads it, each variable filled with a stand-in value of its own. */
const compose = parse(
  text('docker-compose.yml').replace(VARIABLE, (_, name: string) => `from-env-${name}`),
) as {
  services: Record<string, Service>;
};
/** The file as written, variables unexpanded. */
const written = parse(text('docker-compose.yml')) as { services: Record<string, Service> };
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
    for (const [name, service] of platform) {
      const database = new URL(service.environment!.DATABASE_URL!);
      expect(database.hostname, name).toBe('timescaledb');
      expect(database.pathname, name).toBe(`/${timescale.environment!.POSTGRES_DB}`);
    }
  });

  it('holds no password: each comes from the environment (.env, listed in .env.example, ignored by git and docker)', () => {
    const required = new Set([...text('docker-compose.yml').matchAll(VARIABLE)].map((match) => match[1]!));
    for (const [name, service] of Object.entries(written.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|SECRET/.test(key))
          expect(value, `${name} ${key}`).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/);
        if (key !== 'DATABASE_URL') continue;
        // postgres://user:${PASSWORD:?…}@host/db: the password is a variable, required to be set.
        const password = /^postgres:\/\/[a-z0-9_]+:(.*)@[^@]+$/.exec(value ?? '')?.[1];
        expect(password, `${name} DATABASE_URL`).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/);
      }
    }
    const example = text('.env.example');
    for (const variable of required) expect(example, variable).toMatch(new RegExp(`^${variable}=$`, 'm'));
    expect(text('.gitignore').split('\n')).toContain('.env');
    expect(text('.dockerignore').split('\n')).toContain('.env');
  });

  it('prepares the database as its owner once, then connects each service as its least-privileged role', () => {
    const user = (service: Service) => new URL(service.environment!.DATABASE_URL!).username;
    const owner = `from-env-POSTGRES_PASSWORD`;
    const [migrate, ...others] = platform.filter(([, s]) => s.command![2] === 'migrate');
    expect(others).toEqual([]);
    expect(user(migrate![1])).toBe('postgres');
    expect(new URL(migrate![1].environment!.DATABASE_URL!).password).toBe(owner);
    for (const [name, service] of platform.filter(([, s]) => s.command![2] !== 'migrate')) {
      expect(user(service), name).toBe('jt808_app');
      expect(service.depends_on?.migrate, name).toEqual({ condition: 'service_completed_successfully' });
    }
    for (const [name, service] of gateways.filter(([, s]) => s.environment?.DATABASE_URL))
      expect(user(service), name).toBe('jt808_gateway');
    // The login roles come from the init script, with the passwords the database service is given.
    const timescale = compose.services.timescaledb!;
    expect(timescale.volumes).toContain(
      './deploy/postgres/10-jt808-roles.sh:/docker-entrypoint-initdb.d/10-jt808-roles.sh:ro',
    );
    const script = text('deploy/postgres/10-jt808-roles.sh');
    for (const [role, variable] of [
      ['jt808_app', 'JT808_APP_PASSWORD'],
      ['jt808_gateway', 'JT808_GATEWAY_PASSWORD'],
    ]) {
      expect(timescale.environment![variable!], variable).toBe(`from-env-${variable}`);
      expect(script).toContain(`"$${variable}"`);
      expect(script).toMatch(new RegExp(`CREATE ROLE ${role} LOGIN PASSWORD :'`));
    }
  });

  it('opens /metrics and /healthz inside the container network wherever their port is published', () => {
    for (const [name, service] of gateways) {
      const config = parseConfig(service.command!.slice(2), service.environment ?? {});
      if (config === 'help') throw new Error(`${name} asks for help`);
      expect(config.httpHost, name).toBe('0.0.0.0');
    }
    for (const [name, service] of platform.filter(([, s]) =>
      (s.ports ?? []).some((p) => p.endsWith(':9810')),
    )) {
      const options = service.command!;
      expect(options[options.indexOf('--http-host') + 1], name).toBe('0.0.0.0');
    }
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
    const running = platform.filter(([, service]) => service.command![2] !== 'migrate');
    const commands = running.map(([, service]) => service.command![2]);
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
    for (const [name, service] of running) {
      const [, , command, ...options] = service.command!;
      expect(help, name).toContain(`jt808-platform ${command}`);
      for (const option of options.filter((o) => o.startsWith('--')))
        expect(help, `${name} ${option}`).toContain(option);
      consumers.add(options[options.indexOf('--consumer') + 1]!);
      expect(service.environment?.REDIS_URL, name).toBe('redis://redis:6379');
    }
    expect(consumers.size).toBe(running.length);
  });
});
