// `npm run build:wordpress`: builds the widget, then the WordPress plugin's zip,
// dist/appeal-widget-wordpress-<version>.zip. The plugin's sources (wordpress/appeal-widget/) get
// the built embed with its locales/ and assets/ in widget/ (WordPress.org forbids loading plugin
// code from another site), the version of package.json, and a fresh languages/appeal-widget.pot.
// No tests and no source maps go in.
//
//   node scripts/build-wordpress.mjs [--no-build] [--dist <built dist/>] [--out <folder for the zip>]
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZipArchive } from 'archiver';
import { extractStrings, formatPot } from './wordpress-pot.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCE = join(ROOT, 'wordpress', 'appeal-widget');
const DOMAIN = 'appeal-widget';
/** The placeholder version the sources carry until a build stamps the real one. */
const DEV_VERSION = '0.0.0-dev';
/** Files of the plugin that carry the version. */
const STAMPED = ['appeal-widget.php', 'readme.txt', 'block/block.json', 'block/editor.asset.php'];

function option(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** Every file below `dir`, as paths relative to it. */
function filesBelow(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path, base) : [relative(base, path)];
  });
}

/** Copies the built embed, its locales and its icons from `dist` into the plugin's widget/. */
function copyWidget(dist, plugin) {
  const widget = join(plugin, 'widget');
  mkdirSync(join(widget, 'locales'), { recursive: true });
  mkdirSync(join(widget, 'assets'), { recursive: true });
  copyFileSync(join(dist, 'appeal-widget.js'), join(widget, 'appeal-widget.js'));
  for (const folder of ['locales', 'assets']) {
    for (const file of readdirSync(join(dist, folder))) {
      if (file.endsWith('.json')) copyFileSync(join(dist, folder, file), join(widget, folder, file));
    }
  }
}

/** Writes `folder` into a zip at `zipPath`, under a top folder named `top` (as WordPress's uploader expects). */
function zip(folder, top, zipPath) {
  return new Promise((done, fail) => {
    const output = createWriteStream(zipPath);
    const archive = new ZipArchive({ zlib: { level: 9 } });
    output.on('close', done);
    archive.on('error', fail);
    archive.on('warning', fail);
    archive.pipe(output);
    for (const file of filesBelow(folder).sort()) {
      archive.file(join(folder, file), { name: `${top}/${file.split('\\').join('/')}`, date: new Date('2026-01-01T00:00:00Z') });
    }
    void archive.finalize();
  });
}

async function main() {
  const dist = resolve(option('--dist') ?? join(ROOT, 'dist'));
  const out = resolve(option('--out') ?? join(ROOT, 'dist'));
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(dist, 'appeal-widget.js'))) throw new Error(`no built widget in ${dist} (npm run build)`);

  const stage = join(out, 'wordpress-stage');
  const plugin = join(stage, 'appeal-widget');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  cpSync(SOURCE, plugin, { recursive: true, filter: (path) => !/\.(map|pot)$|[\\/]widget$/.test(path) });
  copyWidget(dist, plugin);

  for (const file of STAMPED) {
    const path = join(plugin, file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(DEV_VERSION)) throw new Error(`${file} has no ${DEV_VERSION} to stamp`);
    writeFileSync(path, text.split(DEV_VERSION).join(version));
  }
  // The header's APPEAL_WIDGET_VERSION stamps the script URL's ?ver=, so caches see each release.

  const sources = filesBelow(plugin)
    .filter((file) => !file.startsWith('widget') && /\.(php|js|json)$/.test(file) && !file.endsWith('.asset.php'))
    .sort()
    .map((file) => ({ path: file.split('\\').join('/'), text: readFileSync(join(plugin, file), 'utf8') }));
  const pot = formatPot(extractStrings(sources, DOMAIN), { project: 'Appeal widget', version, domain: DOMAIN });
  mkdirSync(join(plugin, 'languages'), { recursive: true });
  writeFileSync(join(plugin, 'languages', `${DOMAIN}.pot`), pot);
  // The template also lives in the sources, for translators who work from the repository.
  writeFileSync(join(SOURCE, 'languages', `${DOMAIN}.pot`), pot.split(version).join(DEV_VERSION));

  const zipPath = join(out, `appeal-widget-wordpress-${version}.zip`);
  rmSync(zipPath, { force: true });
  await zip(plugin, 'appeal-widget', zipPath);
  rmSync(stage, { recursive: true, force: true });
  console.log(`${relative(process.cwd(), zipPath) || zipPath}: ${statSync(zipPath).size} bytes`);
}

await main();
