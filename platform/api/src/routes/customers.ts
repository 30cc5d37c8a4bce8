import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  contractsOf,
  loadSettings,
  maskRow,
  mayViewInFull,
  type PersonalField,
  withWarrantyUntil,
} from '@jt808/after-sales';
import {
  CustomerArchive,
  CustomerQuery,
  CustomerRow,
  CustomersQuery,
  ErrorAnswer,
  IdParams,
  PersonalDataView,
  ref,
} from '@jt808/api-contract';
import { CellError, contactPhone } from '@jt808/roster';
import { scopeOf } from '@jt808/storage';
import { Type } from 'typebox';
import { EXPORT_ROWS, sendTable, tableOfFields } from '../export.js';
import { ANYONE } from '../guard.js';
import {
  customerIn,
  customersMatching,
  customerTimeline,
  customerVehicles,
  customerViews,
  recordFullView,
} from '../stores/customers-store.js';

/**
 * The customer's personal fields: how each is masked, and the name a full view records it by
 * (personal_data_views keeps the column names it has always recorded).
 */
const PERSONAL_FIELDS = {
  ownerName: ['name', 'owner_name'],
  ownerPhone: ['phone', 'owner_phone'],
  ownerIdNumber: ['idNumber', 'owner_id_number'],
  phone: ['sim', 'phone'],
  enterpriseContact: ['name', 'enterprise_contact'],
  enterprisePhone: ['phone', 'enterprise_phone'],
} as const satisfies Partial<Record<keyof CustomerRow, readonly [PersonalField, string]>>;
const PERSONAL = Object.fromEntries(
  Object.entries(PERSONAL_FIELDS).map(([field, [kind]]) => [field, kind]),
) as Record<keyof typeof PERSONAL_FIELDS, PersonalField>;
const RECORDED_FIELDS = Object.values(PERSONAL_FIELDS).map(([, recorded]) => recorded);

/** The archive's export columns (the file's names), the search's fields masked as in the list. */
const CUSTOMER_EXPORT = {
  id: 'id',
  plate: 'plate',
  center_id: 'centerId',
  owner_name: 'ownerName',
  owner_phone: 'ownerPhone',
  owner_id_number: 'ownerIdNumber',
  enterprise: 'enterprise',
  enterprise_contact: 'enterpriseContact',
  enterprise_phone: 'enterprisePhone',
  phone: 'phone',
  maker: 'maker',
  model: 'model',
  serial: 'serial',
  warranty_until: 'warrantyUntil',
} as const satisfies Record<string, keyof CustomerRow>;

/**
 * A search text as an owner's phone is stored (`roster/cells.ts`, contactPhone: what the desk and
 * the roster import store), so `138-0000 2222` or full-width digits find the owner of every vehicle
 * entered as 13800002222; a text that is no phone number is matched as it is.
 */
function asOwnerPhone(q: string): string {
  try {
    return contactPhone(q.trim());
  } catch (error) {
    if (error instanceof CellError) return q;
    throw error;
  }
}

const errors = { '4xx': ref(ErrorAnswer) };

/**
 * The customer archive: owners (and their enterprise) with their vehicle and terminal, searched by
 * plate, owner phone or name — personal data masked — and one customer (addressed by one of their
 * vehicles) with all their vehicles and terminals, their contracts and one timeline of
 * installations, tickets, calls, complaints, callbacks and contracts. Personal data in full only on the
 * detail view, for roles that need it, and every such view is recorded.
 */
export const customerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { pool } = app;
  app.get(
    '/customers',
    {
      config: { roles: ANYONE },
      schema: { querystring: CustomersQuery, response: { 200: Type.Array(CustomerRow), ...errors } },
    },
    async (request, reply) => {
      const { q, format = 'json' } = request.query;
      const rows = await customersMatching(pool, scopeOf(request.user, 4), {
        q,
        ownerPhone: asOwnerPhone(q),
        limit: format === 'json' ? 100 : EXPORT_ROWS,
      });
      const settings = await loadSettings(pool);
      const masked = rows.map((row) => maskRow(withWarrantyUntil(row, settings), PERSONAL));
      if (format === 'json') return masked as CustomerRow[];
      return sendTable(reply, format, 'customers', tableOfFields(masked, CUSTOMER_EXPORT));
    },
  );

  app.get(
    '/customers/:id',
    {
      config: { roles: ANYONE },
      schema: {
        params: ref(IdParams),
        querystring: CustomerQuery,
        response: { 200: CustomerArchive, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const full = request.query.full === true;
      if (full && !mayViewInFull(request.user.role)) {
        return reply.code(403).send({ error: `a ${request.user.role} does not see personal data in full` });
      }
      const scope = scopeOf(request.user, 2);
      const row = await customerIn(pool, scope, id);
      if (!row) return reply.code(404).send({ error: 'no such customer' });
      const customer = withWarrantyUntil(row, await loadSettings(pool));
      if (full) await recordFullView(pool, request.user, id, RECORDED_FIELDS);
      const vehicles = await customerVehicles(pool, scope, id);
      const timeline = await customerTimeline(
        pool,
        id,
        vehicles.map((vehicle) => vehicle.id),
      );
      const archive = {
        ...(full ? customer : maskRow(customer, PERSONAL)),
        full,
        vehicles: full ? vehicles : vehicles.map((vehicle) => maskRow(vehicle, { phone: 'sim' })),
        contracts: await contractsOf(pool, id),
        timeline,
      };
      return archive as CustomerArchive;
    },
  );

  app.get(
    '/customers/:id/views',
    // Only administrators see who looked.
    {
      config: { roles: ['admin'] },
      schema: { params: ref(IdParams), response: { 200: Type.Array(PersonalDataView), ...errors } },
    },
    async (request) => customerViews(pool, request.params.id),
  );
};
