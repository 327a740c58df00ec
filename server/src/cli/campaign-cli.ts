/**
 * `npm run campaign -- <command>`: a campaign as one JSON file, so it can live in git (SPEC §8).
 *
 *   list                     the campaigns in the database
 *   export <id> [file]       writes the campaign's file (to stdout without a file)
 *   import <file>…           creates or replaces each campaign from its file
 *
 * Works on the database named by the environment (DATABASE_PATH), also while the receiver runs.
 * A file that does not pass the admin API's checks is refused whole, naming every problem.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCampaignInput, type CampaignFile } from '../campaigns/campaign-input.ts';
import { ConfigError, loadConfig } from '../config/load-config.ts';
import { openStore } from '../store/open-store.ts';

const USAGE = `usage: npm run campaign -- list
       npm run campaign -- export <id> [file.json]
       npm run campaign -- import <file.json>…`;

class UsageError extends Error {}

async function run(args: readonly string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === undefined || !['list', 'export', 'import'].includes(command)) throw new UsageError(USAGE);
  const store = await openStore(loadConfig(process.env));
  try {
    if (command === 'list') {
      for (const campaign of await store.listCampaigns()) {
        process.stdout.write(`${campaign.id}\t${campaign.status}\t${campaign.count} signatures\t${campaign.title ?? ''}\n`);
      }
    } else if (command === 'export') {
      const [id, file] = rest;
      if (id === undefined) throw new UsageError(USAGE);
      const campaign = await store.getCampaign(id);
      if (!campaign) throw new Error(`there is no campaign "${id}" in ${store.path}`);
      const data: CampaignFile = { id, status: campaign.status, document: campaign.document, delivery: campaign.delivery };
      const text = `${JSON.stringify(data, null, 2)}\n`;
      if (file === undefined) process.stdout.write(text);
      else {
        writeFileSync(file, text);
        process.stderr.write(`exported ${id} to ${file}\n`);
      }
    } else {
      if (rest.length === 0) throw new UsageError(USAGE);
      // Every file is checked before any is written: an import is all or nothing.
      const inputs = rest.map((file) => {
        let data: unknown;
        try {
          data = JSON.parse(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new Error(`${file}: ${(error as Error).message}`);
        }
        const id = (data as { id?: unknown } | null)?.id;
        if (typeof id !== 'string') throw new Error(`${file}: "id" is missing (the campaign's identifier, e.g. "free-baltabay")`);
        const parsed = parseCampaignInput(id, data);
        if (!parsed.ok) {
          const problems = Object.entries(parsed.errors).map(([key, reason]) => `  ${key}: ${reason}`);
          throw new Error(`${file} is not a valid campaign:\n${problems.join('\n')}`);
        }
        return { file, id, input: parsed.input };
      });
      for (const { file, id, input } of inputs) {
        const result = await store.putCampaign(id, input);
        process.stderr.write(`${result} ${id} from ${file}\n`);
      }
    }
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`appeal-widget campaign: ${error.message}\n`);
  else process.stderr.write(`${error instanceof UsageError ? '' : 'appeal-widget campaign: '}${(error as Error).message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
