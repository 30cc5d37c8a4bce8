import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHaproxyConfig, haproxyMissing } from '@jt808/test-support/haproxy';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TUNED_SETTINGS } from '../bench/ingest/own-postgres.js';
import { balancerConfig } from '../bench/netns/balancer.js';
import { DEFAULTS, type GatewayConfig, parseConfig } from '../gateway/src/config.js';

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
  ulimits?: { nofile?: { soft: number; hard: number } };
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
  ([, s]) => s.command?.[1] === 'platform/server/bin/jt808-platform.js',
);

function gatewayConfig(name: string, service: Service): GatewayConfig {
  const config = parseConfig(service.command!.slice(2), service.environment ?? {});
  if (config === 'help') throw new Error(`${name} asks for help`);
  return config;
}

/** Container ports a service publishes on the host. */
const published = (service: Service) => (service.ports ?? []).map((p) => Number(p.split(':')[1]));

const haproxy = compose.services.haproxy!;
const HAPROXY_CFG_IN_IMAGE = '/usr/local/etc/haproxy/haproxy.cfg';
/** The host side of the mount of HAProxy's configuration, relative to the repository. */
const haproxyMount = (haproxy.volumes ?? [])
  .find((v) => v.split(':')[1] === HAPROXY_CFG_IN_IMAGE)
  ?.split(':')[0];
const haproxyFile = fileURLToPath(new URL(haproxyMount ?? 'missing', new URL('../', import.meta.url)));
/** HAProxy's configuration as the haproxy service mounts it: its lines, comments dropped, split into words. */
const haproxyLines = existsSync(haproxyFile)
  ? readFileSync(haproxyFile, 'utf8')
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
      .filter((words) => words[0] !== '')
  : [];
const haproxyDirective = (...words: string[]) =>
  haproxyLines.find((line) => words.every((word, i) => line[i] === word));
/** `server NAME HOST:PORT options...` lines, by NAME. */
const haproxyServers = new Map(haproxyLines.filter((l) => l[0] === 'server').map((l) => [l[1]!, l]));
const sendsProxy = (server: string[]) => server.includes('send-proxy') || server.includes('send-proxy-v2');

/** HAProxy durations: a number with a unit (ms, s, m, h, d), milliseconds without one. */
function haproxyMs(text: string | undefined): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text ?? '');
  if (!match) throw new Error(`not an HAProxy duration: ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}

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
      const config = gatewayConfig(name, service);
      expect(config.redisUrl, name).toBe('redis://redis:6379');
      expect(published(service), name).toContain(config.httpPort);
      expect(config.gatewayId, name).toBe(name);
    }
    expect(DEFAULTS.port).toBe(6808);
  });

  it('gives the gateways the database the platform services use (the roster), as the role that may only call its gateway functions', () => {
    const database = new URL(platform[0]![1].environment!.DATABASE_URL!);
    for (const [name, service] of [...gateways, ...platform]) {
      const url = new URL(service.environment!.DATABASE_URL!);
      expect(`${url.host}${url.pathname}`, name).toBe(`${database.host}${database.pathname}`);
    }
    for (const [name, service] of gateways)
      expect(new URL(service.environment!.DATABASE_URL!).username, name).toBe('jt808_gateway');
  });

  it('puts HAProxy on the terminal port, its configuration file mounted from the repository', () => {
    expect(haproxy.image).toMatch(/^haproxy:\d+\.\d+/);
    expect(existsSync(haproxyFile), haproxyFile).toBe(true);
    expect(haproxy.volumes).toContain(`${haproxyMount}:${HAPROXY_CFG_IN_IMAGE}:ro`);
    const bind = haproxyDirective('bind')![1]!;
    const port = Number(bind.split(':').at(-1));
    expect(haproxy.ports).toContain(`${DEFAULTS.port}:${port}`);
    expect(haproxyDirective('balance', 'leastconn')).toBeDefined();
    // Terminals are silent up to three heartbeats before the gateway drops them: HAProxy must not first.
    for (const side of ['client', 'server'])
      expect(haproxyMs(haproxyDirective('timeout', side)?.[2]), side).toBeGreaterThan(
        3 * DEFAULTS.heartbeatSeconds * 1000,
      );
    // A province, with two descriptors per connection.
    const maxconn = Number(haproxyDirective('maxconn')![1]);
    expect(maxconn).toBeGreaterThanOrEqual(400_000);
    expect(haproxy.ulimits?.nofile?.soft).toBeGreaterThanOrEqual(2 * maxconn);
  });

  it('balances over every gateway on its terminal port, checked on its /healthz', () => {
    expect(haproxyDirective('option', 'httpchk', 'GET', '/healthz')).toBeDefined();
    for (const [name, service] of gateways) {
      const config = gatewayConfig(name, service);
      const server = haproxyServers.get(name);
      expect(server, name).toBeDefined();
      expect(server![2], name).toBe(`${name}:${config.port}`);
      expect(server, name).toContain('check');
      expect(server![server!.indexOf('port') + 1], name).toBe(String(config.httpPort));
    }
    expect([...haproxyServers.keys()].sort()).toEqual(gateways.map(([name]) => name).sort());
  });

  it('has the gateways read the PROXY protocol exactly when HAProxy sends it, and publish no terminal port', () => {
    for (const [name, service] of gateways) {
      const config = gatewayConfig(name, service);
      expect(config.proxyProtocol, name).toBe(sendsProxy(haproxyServers.get(name)!));
      // Behind a balancer without it, every terminal would count against the balancer's address.
      expect(config.proxyProtocol, name).toBe(true);
      // Reachable directly, anyone could claim any address in a header.
      expect(published(service), name).not.toContain(config.port);
    }
  });

  it.skipIf(haproxyMissing !== undefined)('has a configuration HAProxy accepts (haproxy -c)', () => {
    const { status, output } = checkHaproxyConfig(haproxyFile);
    expect(status, output).toBe(0);
  });

  it.skipIf(haproxyMissing !== undefined)(
    'is what bench:netns runs, with only the addresses and maxconn changed',
    () => {
      const production = readFileSync(haproxyFile, 'utf8');
      const derived = balancerConfig(production, {
        bind: '10.88.0.1:6808',
        servers: [1, 2, 3].map((i) => ({ name: `gw${i}`, address: `10.88.0.1${i}`, port: 6808 })),
        healthPort: 9808,
        maxconn: 9000,
      });
      const file = join(mkdtempSync(join(tmpdir(), 'jt808-lb-')), 'haproxy.cfg');
      writeFileSync(file, derived);
      const { status, output } = checkHaproxyConfig(file);
      expect(status, output).toBe(0);
      const words = (text: string) =>
        text
          .split('\n')
          .map((line) => line.replace(/#.*/, '').trim())
          .filter(Boolean);
      const kept = (line: string) => !/^(bind|maxconn|server|nameserver|hold|resolvers)\b/.test(line);
      const productionLines = words(production)
        .filter(kept)
        .map((line) => line.replace(/\s+resolvers\s+\S+\s+init-addr\s+\S+/, ''));
      expect(words(derived).filter(kept)).toEqual(productionLines);
      expect(words(derived).filter((l) => l.startsWith('server '))).toEqual([
        'server gw1 10.88.0.11:6808 check port 9808 send-proxy-v2',
        'server gw2 10.88.0.12:6808 check port 9808 send-proxy-v2',
        'server gw3 10.88.0.13:6808 check port 9808 send-proxy-v2',
      ]);
      // A production file that lost what the bench depends on is refused, not run.
      expect(() =>
        balancerConfig(production.replace('balance leastconn', 'balance roundrobin'), {
          bind: '10.88.0.1:6808',
          servers: [],
          healthPort: 9808,
          maxconn: 10,
        }),
      ).toThrow(/balance leastconn/);
    },
  );

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
      [fileURLToPath(new URL('../platform/server/bin/jt808-platform.js', import.meta.url)), '--help'],
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
