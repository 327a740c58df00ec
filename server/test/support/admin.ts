/**
 * Helpers for tests that drive the admin API (SPEC §8) the way an organiser's script does:
 * real HTTP, `Authorization: Bearer <ADMIN_TOKEN>`.
 */

/** 32 characters or more, as config/load-config.ts requires. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijkl';

export const TARGETS = [
  { name: 'Prosecutor General', email: 'office@prosecutor.example' },
  { name: 'Minister of Justice', email: 'minister@justice.example' },
] as const;

/** A public document (SPEC §5) with a letter, for campaign `id`. */
export function campaignDocument(id: string, title = 'Free Erlan Baltabay'): Record<string, unknown> {
  return {
    id,
    goal: 1000,
    texts: {
      en: { title, appeal: 'Erlan Baltabay is in prison.\n\nHelp free him.', thanks: 'Thank you', shareText: 'Sign too' },
      fr: { title: 'Libérez Erlan Baltabay', appeal: 'Il est en prison.', thanks: 'Merci', shareText: 'Signez' },
    },
    letter: {
      to: 'The Prosecutor General and the Minister of Justice',
      en: { subject: 'Free Erlan Baltabay', body: 'Dear Prosecutor General,\n\nRelease him.' },
    },
  };
}

/** A PUT body: the document, status and delivery settings. */
export function campaignBody(
  id: string,
  delivery: Record<string, unknown> = { mode: 'each', targets: TARGETS },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { document: campaignDocument(id), status: 'open', delivery, ...extra };
}

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: any;
  text: string;
}

/** An admin request; `token: null` sends no Authorization. */
export async function admin(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { body, token = ADMIN_TOKEN, headers = {} } = options;
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** PUTs a campaign and insists it was accepted. */
export async function putCampaign(url: string, id: string, body: Record<string, unknown> = campaignBody(id)): Promise<Answer> {
  const answer = await admin(url, 'PUT', `/api/admin/campaigns/${id}`, { body });
  if (answer.status !== 201 && answer.status !== 200) throw new Error(`PUT ${id}: ${answer.status} ${answer.text}`);
  return answer;
}

/** Polls `check` every 25 ms until it holds, or throws after `timeoutMs` (loaded machines: be generous). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
