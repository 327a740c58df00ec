/** Types of scripts/start-env.mjs (the environment `npm start` gives the receiver). */
export function randomExportToken(): string;
export function randomAdminToken(): string;
export function ownOrigins(host: string, port: string): string[];
export function startEnvironment(env: Readonly<Record<string, string | undefined>>): {
  env: Record<string, string | undefined>;
  exportToken: string;
  adminToken: string;
  tokenNote: string;
};
