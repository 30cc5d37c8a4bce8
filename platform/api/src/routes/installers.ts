import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AfterSalesError, maskRow } from '@jt808/after-sales';
import {
  CodeParams,
  ErrorAnswer,
  ImportRefusal,
  ImportReport,
  InstallerContractEntry,
  InstallerContractInput,
  InstallerContracts,
  InstallerEntry,
  InstallerInput,
  Installers,
  NewInstaller,
  ref,
} from '@jt808/api-contract';
import { cells, importFile, installerContractsWithin } from '@jt808/roster';
import { scopeOf } from '@jt808/storage';
import { actingOf } from '../acting.js';
import type { Role } from '../sessions.js';
import { servicePointInScope } from '../stores/in-scope-store.js';
import {
  addInstaller,
  installerContractsIn,
  installersIn,
  setInstallerContract,
  updateInstaller,
} from '../stores/installers-store.js';
import { cellValue, ROSTER_WRITERS } from './roster-records.js';

/** Who reads the register and the contracts: the desk's roles and the installers' service point. */
const READERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

/** A contracts file sent to the API: a few hundred rows at most, one a contract. */
const MAX_CSV_BYTES = 1024 * 1024;

const errors = { '4xx': ref(ErrorAnswer) };

/** The register's checks on what is typed: the roster import's parsers (roster/cells.ts). */
function registerValues(body: { name: string; phone?: string | null; certificate?: string | null }) {
  const name = body.name.trim();
  if (name === '') throw new AfterSalesError('name: empty');
  return {
    name,
    phone: cellValue(cells.contactPhone, body.phone ?? null, 'phone'),
    certificate: cellValue(cells.code, body.certificate ?? null, 'certificate'),
  };
}

/** An entry as answered: the installer's phone masked. */
const shown = (entry: InstallerEntry): InstallerEntry => maskRow(entry, { phone: 'phone' });

/**
 * The installer register and the installers' contracts (docs/after-sales.md, "Installers"): read by
 * the desk's roles and the service points, kept by administrators and the desk, each within the
 * service points of their scope (stores/installers-store.ts). The contracts file is the roster
 * import's (`installer-contracts`).
 */
export const installerRegisterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/installers',
    { config: { roles: READERS }, schema: { response: { 200: Installers, ...errors } } },
    async (request) =>
      (await installersIn(pool, scopeOf(request.user, 1))).map((row) => maskRow(row, { phone: 'phone' })),
  );

  app.post(
    '/installers',
    {
      config: { roles: ROSTER_WRITERS },
      schema: { body: NewInstaller, response: { 201: InstallerEntry, ...errors } },
    },
    async (request, reply) => {
      const { code: given, servicePointId, active = true } = request.body;
      const code = cellValue(cells.code, given, 'code');
      if (code === null) throw new AfterSalesError('code: empty');
      const entry = { code, ...registerValues(request.body), servicePointId, active };
      if (!(await servicePointInScope(pool, scopeOf(request.user, 2), servicePointId))) {
        return reply.code(404).send({ error: 'no such service point' });
      }
      if (!(await addInstaller(pool, actingOf(request), entry)))
        throw new AfterSalesError(`installer ${code} is in the register already`, 'conflict');
      return reply.code(201).send(shown(entry));
    },
  );

  app.put(
    '/installers/:code',
    {
      config: { roles: ROSTER_WRITERS },
      schema: { params: CodeParams, body: InstallerInput, response: { 200: InstallerEntry, ...errors } },
    },
    async (request, reply) => {
      const { servicePointId, active } = request.body;
      const entry = { code: request.params.code, ...registerValues(request.body), servicePointId, active };
      // Both where the installer is and where they go must be the user's.
      if (!(await servicePointInScope(pool, scopeOf(request.user, 2), servicePointId))) {
        return reply.code(404).send({ error: 'no such service point' });
      }
      if (!(await updateInstaller(pool, actingOf(request), scopeOf(request.user, 7), entry)))
        return reply.code(404).send({ error: 'no such installer' });
      return shown(entry);
    },
  );

  app.get(
    '/installer-contracts',
    { config: { roles: READERS }, schema: { response: { 200: InstallerContracts, ...errors } } },
    async (request) => installerContractsIn(pool, scopeOf(request.user, 1)),
  );

  app.put(
    '/installer-contracts/:code',
    {
      config: { roles: ROSTER_WRITERS },
      schema: {
        params: CodeParams,
        body: InstallerContractInput,
        response: { 200: InstallerContractEntry, ...errors },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request.user, 4);
      const contract = await setInstallerContract(
        pool,
        actingOf(request),
        scope,
        request.params.code,
        request.body,
      );
      return contract ?? reply.code(404).send({ error: 'no such installer' });
    },
  );

  // A contracts file as the roster import reads it (UTF-8 or GBK CSV, Chinese or English headers),
  // sent as the request body; only installers of the user's service points are set.
  app.register(async (upload) => {
    upload.addContentTypeParser(
      'text/csv',
      { parseAs: 'buffer', bodyLimit: MAX_CSV_BYTES },
      (_request, body, done) => done(null, body),
    );
    upload.post(
      '/installer-contracts/import',
      {
        config: { roles: ROSTER_WRITERS },
        // The report answers both a file read (200) and one that loaded nothing (400, with `error`);
        // a body fastify cannot parse is a 400 of its own.
        schema: { response: { 200: ImportReport, 400: ImportRefusal, ...errors } },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) {
          return reply.code(415).send({ error: 'send the CSV file as text/csv' });
        }
        const scope = scopeOf(request.user, 2);
        const kind = installerContractsWithin({ condition: scope.servicePoints, params: scope.params });
        // The importer reads files (it detects the encoding, and re-reads from a line after a bad quote).
        const dir = await mkdtemp(join(tmpdir(), 'jt808-contracts-'));
        try {
          const path = join(dir, 'contracts.csv');
          await writeFile(path, request.body);
          const {
            kind: _kind,
            path: _path,
            ...report
          } = await importFile(pool, kind, path, {
            actor: request.user.username,
          });
          return reply.code(report.error === undefined ? 200 : 400).send(report);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  });
};
