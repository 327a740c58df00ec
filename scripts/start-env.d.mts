/** Types of scripts/start-env.mjs (the environment `npm start` gives the receiver). */
export function randomExportToken(): string;
export function randomAdminToken(): string;
export function randomOrganiserPassword(): string;
export function ownOrigins(host: string, port: string): string[];
export function startEnvironment(env: Readonly<Record<string, string | undefined>>): {
  env: Record<string, string | undefined>;
  exportToken: string;
  adminToken: string;
  tokenNote: string;
  /** The development organiser's password: ORGANISER_PASSWORD, or a random one per start. */
  organiserPassword: string;
  organiserNote: string;
};
