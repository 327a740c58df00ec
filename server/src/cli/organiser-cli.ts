/**
 * `npm run organiser -- <command>`: the console's organiser accounts (SPEC §10).
 *
 *   add <email>        creates an account
 *   password <email>   sets a new password and ends the account's sessions
 *   remove <email>     removes an account and ends its sessions
 *   list               the accounts, their last login and open sessions
 *
 * The password is ORGANISER_PASSWORD when it is set, else a generated one printed once here
 * (it is not stored anywhere: only its scrypt hash is). Works on the database named by the
 * environment (DATABASE_PATH), also while the receiver runs: a removal or a new password ends
 * the account's sessions at once.
 */
import { ConfigError, loadConfig } from '../config/load-config.ts';
import { normaliseOrganiserEmail, organiserEmailProblem } from '../accounts/organisers.ts';
import { generatePassword, hashPassword } from '../accounts/password-hash.ts';
import { openStore } from '../store/open-store.ts';

const USAGE = `usage: npm run organiser -- add <email>
       npm run organiser -- password <email>
       npm run organiser -- remove <email>
       npm run organiser -- list
The password is ORGANISER_PASSWORD when set, otherwise one is generated and printed once.`;

class UsageError extends Error {}

const day = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function emailArgument(rest: readonly string[]): string {
  if (rest.length !== 1) throw new UsageError(USAGE);
  const email = normaliseOrganiserEmail(rest[0]!);
  const problem = organiserEmailProblem(email);
  if (problem !== undefined) throw new Error(problem);
  return email;
}

async function run(args: readonly string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === undefined || !['add', 'password', 'remove', 'list'].includes(command)) throw new UsageError(USAGE);
  if (command === 'list' && rest.length > 0) throw new UsageError(USAGE);
  const email = command === 'list' ? '' : emailArgument(rest);
  const config = loadConfig(process.env);
  const store = await openStore(config);
  try {
    const now = Date.now();
    const { organisers } = store;
    if (command === 'list') {
      const accounts = await organisers.list(now);
      if (accounts.length === 0) process.stderr.write(`no organiser accounts in ${store.path} (add one: npm run organiser -- add <email>)\n`);
      for (const account of accounts) {
        process.stdout.write(`${account.email}\tcreated ${day(account.createdAt)}\tlast login ${day(account.lastLoginAt)}\t${account.sessions} session(s)\n`);
      }
      return;
    }
    if (command === 'remove') {
      if (!(await organisers.remove(email))) throw new Error(`there is no organiser ${email} in ${store.path}`);
      await organisers.log({ at: now, actor: 'cli', action: 'organiser-removed', detail: { email } });
      process.stdout.write(`removed ${email}; its sessions are ended\n`);
      return;
    }

    const given = config.organiserPassword;
    const password = given ?? generatePassword();
    const passwordHash = await hashPassword(password);
    if (command === 'add') {
      if ((await organisers.add(email, passwordHash, now)) === 'exists') {
        throw new Error(`${email} already has an account (to set a new password: npm run organiser -- password ${email})`);
      }
      await organisers.log({ at: now, actor: 'cli', action: 'organiser-added', detail: { email } });
      process.stdout.write(`added ${email}\n`);
    } else {
      if (!(await organisers.setPassword(email, passwordHash, now))) throw new Error(`there is no organiser ${email} in ${store.path}`);
      await organisers.log({ at: now, actor: 'cli', action: 'organiser-password-set', detail: { email } });
      process.stdout.write(`new password set for ${email}; its sessions are ended\n`);
    }
    process.stdout.write(given !== undefined
      ? 'password: the one in ORGANISER_PASSWORD\n'
      : `password: ${password}\n(shown this once and stored nowhere: keep it in a password manager)\n`);
    const base = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    process.stdout.write(`log in at ${base}/admin/\n`);
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`appeal-widget organiser: ${error.message}\n`);
  else process.stderr.write(`${error instanceof UsageError ? '' : 'appeal-widget organiser: '}${(error as Error).message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
