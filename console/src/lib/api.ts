import type {
  Center,
  CenterHour,
  CommandRequest,
  CommandResult,
  InstallationAccepted,
  InstallerChecklist,
  KpiReport,
  LoginBody,
  ServicePoint,
  Ticket,
  TicketActionBody,
  TicketDetail,
  TicketState,
  Track,
  User,
  VehicleDetail,
  VehiclePage,
} from '@jt808/api-contract';
import { writable } from 'svelte/store';

/**
 * The typed client of the platform's HTTP API (docs/api.md). Requests carry the session cookie
 * (same origin); a 401 clears `currentUser`, which sends the app back to the login page.
 * bigint columns (vehicle and ticket ids) arrive as strings, as PostgreSQL hands them out.
 */

/** The routes on the contract: their types come from it, the same schemas the platform answers by. */
/** The body of POST /api/tickets/:id/actions. */
export type {
  Center,
  CenterHour,
  CommandName,
  CommandRequest,
  CommandResult,
  InstallationAccepted,
  InstallerCheck,
  InstallerChecklist,
  Kpi,
  KpiReport,
  MapConfig,
  Role,
  ServicePoint,
  ShipMode,
  Ticket,
  TicketActionBody as TicketAction,
  TicketClock,
  TicketDetail,
  TicketEvent,
  TicketState,
  Track,
  TrackPoint,
  User,
  Vehicle,
  VehicleDetail,
  VehicleEvent,
  VehiclePage,
  VehicleStatus,
} from '@jt808/api-contract';

export interface Page<T> {
  page: number;
  pageSize: number;
  items: T[];
}

/** An answer other than 2xx, with the server's own explanation when it gave one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The signed-in user; null when signed out (a 401 from any route sets it to null). */
export const currentUser = writable<User | null>(null);

/** A body sent as it is (a CSV file), with its content type. */
interface RawBody {
  raw: Blob;
  type: string;
}

async function request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const raw = body instanceof Object && 'raw' in body ? (body as RawBody) : undefined;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        // Changes made here are recorded as the console's in the roster's change history.
        'x-jt808-client': 'console',
        ...(raw
          ? { 'content-type': raw.type }
          : body === undefined
            ? {}
            : { 'content-type': 'application/json' }),
      },
      body: raw ? raw.raw : body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, `network: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/login') currentUser.set(null);
    const message =
      data && typeof data === 'object' && 'error' in data && typeof data.error === 'string'
        ? data.error
        : (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string'
            ? data.message
            : response.statusText) || `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return data as T;
}

export const getJson = <T>(path: string): Promise<T> => request<T>('GET', path);
export const postJson = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {});
export const putJson = <T>(path: string, body: unknown): Promise<T> => request<T>('PUT', path, body);
/** A file as the request body (e.g. a CSV for an import route). */
export const postFile = <T>(path: string, file: Blob, type: string): Promise<T> =>
  request<T>('POST', path, { raw: file, type } satisfies RawBody);

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const iso = (date: Date | string): string => (typeof date === 'string' ? date : date.toISOString());

/** Signs in; the server sets the session cookie. Returns the user. */
export async function login(username: string, password: string): Promise<User> {
  await postJson('/api/login', { username, password } satisfies LoginBody);
  return loadCurrentUser() as Promise<User>;
}

export async function logout(): Promise<void> {
  await postJson('/api/logout').catch(() => undefined);
  currentUser.set(null);
}

/** Asks who the session cookie belongs to; undefined (and currentUser null) when signed out. */
export async function loadCurrentUser(): Promise<User | undefined> {
  try {
    const user = await getJson<User>('/api/me');
    currentUser.set(user);
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return undefined;
    throw error;
  }
}

export const fetchCenters = (): Promise<Center[]> => getJson('/api/centers');

export const fetchCenterHours = (from: Date, to: Date): Promise<CenterHour[]> =>
  getJson(`/api/centers/hourly${query({ from: iso(from), to: iso(to) })}`);

export const fetchKpis = (from: Date, to: Date, gapSeconds?: number): Promise<KpiReport> =>
  getJson(`/api/kpis${query({ from: iso(from), to: iso(to), gapSeconds })}`);

/** The same KPIs as a CSV download (for a link's href). */
export const kpiCsvUrl = (from: Date, to: Date, gapSeconds?: number): string =>
  `/api/kpis${query({ from: iso(from), to: iso(to), gapSeconds, format: 'csv' })}`;

export interface TicketFilter {
  state?: TicketState | undefined;
  kind?: 'repair' | 'install' | undefined;
  page?: number;
  pageSize?: number;
}

export const fetchTickets = (filter: TicketFilter = {}): Promise<Page<Ticket>> =>
  getJson(`/api/tickets${query({ ...filter })}`);

export const fetchTicket = (id: string): Promise<TicketDetail> =>
  getJson(`/api/tickets/${encodeURIComponent(id)}`);

export const actOnTicket = (id: string, action: TicketActionBody): Promise<unknown> =>
  postJson(`/api/tickets/${encodeURIComponent(id)}/actions`, action);

export const searchVehicles = (q: string, page = 1, pageSize = 50): Promise<VehiclePage> =>
  getJson(`/api/vehicles${query({ q, page, pageSize })}`);

export const fetchVehicle = (id: string): Promise<VehicleDetail> =>
  getJson(`/api/vehicles/${encodeURIComponent(id)}`);

export const sendCommand = (vehicleId: string, request: CommandRequest): Promise<CommandResult> =>
  postJson(`/api/vehicles/${encodeURIComponent(vehicleId)}/commands`, request);

export const fetchTrack = (id: string, from: Date, to: Date, maxPoints?: number): Promise<Track> =>
  getJson(
    `/api/vehicles/${encodeURIComponent(id)}/track${query({ from: iso(from), to: iso(to), maxPoints })}`,
  );

export const fetchInstallerChecklist = (plateOrPhone: string): Promise<InstallerChecklist> =>
  getJson(`/api/installer/${encodeURIComponent(plateOrPhone)}`);

export const acceptInstallation = (plateOrPhone: string): Promise<InstallationAccepted> =>
  postJson(`/api/installer/${encodeURIComponent(plateOrPhone)}/accept`);

export const fetchServicePoints = (): Promise<ServicePoint[]> => getJson('/api/service-points');
