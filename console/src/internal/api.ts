/**
 * The console's calls to the receiver (/api/console/, same origin, the session cookie sent by the
 * browser), typed by the contract both sides import (server/src/routes/console/console-api.ts).
 * Every failure is an ApiError: the status, the receiver's `error` code and message, the fields
 * a 422 names, and a 429's Retry-After.
 */
import type {
  CampaignDetail,
  CampaignEdit,
  CampaignList,
  ErasureDone,
  ErasureMatches,
  ErasureRequest,
  Overview,
  QuarantineDone,
  QuarantineList,
} from '../../../server/src/routes/console/console-api.js';

export class ApiError extends Error {
  constructor(
    /** The HTTP status; 0 when nothing answered (the network). */
    readonly status: number,
    /** The receiver's `error` code, e.g. `invalid-credentials`; `network` when nothing answered. */
    readonly code: string,
    message: string,
    /** A 422's `errors`, by field path (`document.texts.en.title`). */
    readonly fieldErrors: Readonly<Record<string, string>> = {},
    /** A 429's Retry-After, in seconds. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The organiser of the session, as /api/console/me and the login answer it. */
export interface SessionInfo {
  organiser: { email: string };
  session: { expiresAt: string };
}

type Listener = (error: ApiError) => void;
const sessionEnded = new Set<Listener>();

/** Called with every 401 from a data route: the session ended (expired, logged out elsewhere). */
export function onSessionEnded(listener: Listener): () => void {
  sessionEnded.add(listener);
  return () => sessionEnded.delete(listener);
}

const API = '/api/console';

async function call<T>(method: string, path: string, body?: unknown, { quiet401 = false } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${API}${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'network', String(error));
  }
  const text = await response.text();
  let data: unknown;
  try {
    data = text === '' ? {} : JSON.parse(text);
  } catch {
    data = {};
  }
  if (response.ok) return data as T;
  const answer = (data ?? {}) as { error?: unknown; message?: unknown; errors?: unknown };
  const errors = typeof answer.errors === 'object' && answer.errors !== null ? (answer.errors as Record<string, string>) : {};
  const retry = Number(response.headers.get('retry-after'));
  const error = new ApiError(
    response.status,
    typeof answer.error === 'string' ? answer.error : response.status === 422 ? 'invalid' : `http-${response.status}`,
    typeof answer.message === 'string' ? answer.message : `HTTP ${response.status}`,
    errors,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
  if (response.status === 401 && !quiet401) sessionEnded.forEach((listener) => listener(error));
  throw error;
}

const campaign = (id: string) => `/campaigns/${encodeURIComponent(id)}`;

/** YYYY-MM-DD query parameters, the empty ones left out. */
function query(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const api = {
  login: (email: string, password: string) => call<SessionInfo>('POST', '/login', { email, password }, { quiet401: true }),
  logout: () => call<{ ok: true }>('POST', '/logout', {}),
  me: () => call<SessionInfo>('GET', '/me', undefined, { quiet401: true }),
  campaigns: () => call<CampaignList>('GET', '/campaigns'),
  campaign: (id: string) => call<CampaignDetail>('GET', campaign(id)),
  save: (id: string, edit: CampaignEdit) => call<CampaignDetail>('PUT', campaign(id), edit),
  overview: (id: string, from?: string, to?: string) => call<Overview>('GET', `${campaign(id)}/overview${query({ from, to })}`),
  setPaused: (id: string, paused: boolean) => call<{ paused: boolean }>('POST', `${campaign(id)}/${paused ? 'pause' : 'resume'}`, {}),
  resendUnknown: (id: string) => call<{ requeued: number }>('POST', `${campaign(id)}/letters/resend-unknown`, {}),
  /** The export's address (a link the browser downloads with the session cookie). */
  exportUrl: (id: string, signers: 'consenting' | 'all', from?: string, to?: string) =>
    `${API}${campaign(id)}/signatures.csv${query({ signers, from, to })}`,
  quarantine: (id: string) => call<QuarantineList>('GET', `${campaign(id)}/quarantine`),
  /** Releases (counted, letters queued) or deletes a held signature; the page has asked first. */
  settleHeld: (id: string, signature: string, action: QuarantineDone['action']) =>
    call<QuarantineDone>('POST', `${campaign(id)}/quarantine/${encodeURIComponent(signature)}/${action}`, { confirm: true }),
  findPerson: (email: string) => call<ErasureMatches>('POST', '/erasure/search', { email }),
  erase: (request: ErasureRequest) => call<ErasureDone>('POST', '/erasure', request),
};
