/**
 * The WordPress plugin (SPEC §11) in a real WordPress: Debian's `wordpress` 6.1 on MariaDB and
 * PHP's built-in server, the plugin installed from the zip `npm run build:wordpress` makes (built
 * here from the snapshot of dist/ by the same script), the real receiver, and Chromium.
 *
 * Without Debian's wordpress, mariadb-server, php and php-mysql the test is skipped, saying so;
 * in CI (CI=true) their absence fails it. `UPDATE_SCREENSHOTS=1` writes the README's WordPress
 * screenshots into docs/screenshots/; otherwise they go to /tmp/appeal-widget-screenshots/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  fillSigner,
  launchBrowser,
  localeStrings,
  removeTemp,
  ROOT,
  snapshotDist,
  startReceiver,
  tempDir,
  tr,
  waitForWidget,
  watchErrors,
  type Receiver,
} from './support/pages.ts';
import { freePort, missingWordPressPackages, pluginLogLines, startWordPress, type WordPress } from './support/wordpress.ts';

const fr = localeStrings('fr');
const OUT = process.env['UPDATE_SCREENSHOTS'] ? join(ROOT, 'docs', 'screenshots') : join(tmpdir(), 'appeal-widget-screenshots');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const CAMPAIGNS = ['wp-block', 'wp-shortcode', 'wp-evil', 'wp-editor'];
const ADMIN = { user: 'admin', password: 'admin-password-1' };
const EDITOR = { user: 'editor', password: 'editor-password-1' };
const LOCALE_PATH = '/wp-content/plugins/appeal-widget/widget/locales/fr.json';
const SCRIPT_PATH = '/wp-content/plugins/appeal-widget/widget/appeal-widget.js';

const missing = missingWordPressPackages();
const skip = missing.length && process.env['CI'] !== 'true' ? `needs Debian's ${missing.join(', ')} (apt-get install wordpress wordpress-theme-twentytwentythree mariadb-server php php-mysql)` : false;

const PROBE = '<p class="column-probe">Nos collègues chauffeurs ont été licenciés pour avoir rejoint un syndicat. Signez pour leur réintégration.</p>';

/** The posts the setup script creates, by the user who writes them. */
const POSTS = {
  block: `<!-- wp:paragraph -->\n${PROBE}\n<!-- /wp:paragraph -->\n\n<!-- wp:appeal-widget/appeal {"campaign":"wp-block","lang":"fr"} /-->`,
  shortcode: `${PROBE}\n\n[appeal_widget campaign="wp-shortcode" lang="fr"]\n\n<p>Merci de partager.</p>`,
  wide: `<!-- wp:paragraph -->\n${PROBE}\n<!-- /wp:paragraph -->\n\n<!-- wp:appeal-widget/appeal {"campaign":"wp-block","lang":"fr","align":"wide"} /-->`,
  plain: '<p>Compte rendu de la réunion de section : rien à signer ici.</p>',
  // An author (no unfiltered_html) trying every way out of the attributes.
  evil: [
    '<p class="column-probe">Author post.</p>',
    '[appeal_widget campaign="wp-evil" endpoint="https://evil.example"]',
    '[appeal_widget campaign="wp-evil" endpoint="javascript:alert(1)"]',
    `[appeal_widget campaign='wp-evil" onmouseover="alert(1)' lang='fr" onmouseover="alert(2)' organiser='<script>alert(3)</script>' privacy_url="javascript:alert(4)" share_url="javascript:alert(5)" campaign_url="https://evil.example/c.json" count_url="https://evil.example/count" fields='email*" onfocus="alert(6)']`,
  ].join('\n\n'),
};

function setupScript(root: string, zip: string): string {
  const post = (key: keyof typeof POSTS) => `<<<'APPEALPOST'\n${POSTS[key]}\nAPPEALPOST`;
  return `
require '${root}/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/misc.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';
WP_Filesystem();
// The built zip, through WordPress's own "Upload Plugin" installer.
$upgrader = new Plugin_Upgrader( new Automatic_Upgrader_Skin() );
$installed = $upgrader->install( '${zip}' );
if ( true !== $installed ) {
	fwrite( STDERR, print_r( $installed, true ) . print_r( $upgrader->skin->get_upgrade_messages(), true ) );
	exit( 1 );
}
$activated = activate_plugin( 'appeal-widget/appeal-widget.php' );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, $activated->get_error_message() );
	exit( 1 );
}
switch_theme( 'twentytwentythree' );
$admin  = get_user_by( 'login', 'admin' )->ID;
$editor = wp_insert_user( array( 'user_login' => 'editor', 'user_pass' => '${EDITOR.password}', 'user_email' => 'editor@blog.example', 'role' => 'editor' ) );
$author = wp_insert_user( array( 'user_login' => 'author', 'user_pass' => 'author-password-1', 'user_email' => 'author@blog.example', 'role' => 'author' ) );
function appeal_test_post( $user, $title, $content ) {
	wp_set_current_user( $user ); // kses filters an author's post as it would in the editor.
	$id = wp_insert_post( array( 'post_title' => $title, 'post_content' => $content, 'post_status' => 'publish', 'post_author' => $user ), true );
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, $id->get_error_message() );
		exit( 1 );
	}
	return $id;
}
// WordPress makes a draft privacy policy page at install; publish it, as a site owner would.
wp_publish_post( (int) get_option( 'wp_page_for_privacy_policy' ) );
$ids = array(
	'block'     => appeal_test_post( $admin, 'Réintégrez les chauffeurs (bloc)', ${post('block')} ),
	'shortcode' => appeal_test_post( $admin, 'Réintégrez les chauffeurs (code court)', ${post('shortcode')} ),
	'wide'      => appeal_test_post( $admin, 'Réintégrez les chauffeurs (large)', ${post('wide')} ),
	'plain'     => appeal_test_post( $admin, 'Compte rendu', ${post('plain')} ),
	'evil'      => appeal_test_post( $author, 'Author post', ${post('evil')} ),
);
echo wp_json_encode( array( 'ids' => $ids, 'privacy' => get_privacy_policy_url() ) );
`;
}

let dist: string;
let zipDir: string;
let receiver: Receiver;
let wp: WordPress;
let browser: Browser;
let ids: Record<keyof typeof POSTS, number>;
/** WordPress's own privacy page (published by the setup), the widgets' default privacy link. */
let privacyUrl: string;

async function logIn(context: BrowserContext, who: { user: string; password: string }): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${wp.url}/wp-login.php`);
  await page.fill('#user_login', who.user);
  await page.fill('#user_pass', who.password);
  await Promise.all([page.waitForURL(/\/wp-admin\//), page.click('#wp-submit')]);
  return page;
}

/** Visits post `id` as a visitor; records which plugin files were fetched and what they answered. */
async function visit(id: number, context?: BrowserContext): Promise<{ page: Page; fetched: Map<string, number>; errors: ReturnType<typeof watchErrors> }> {
  const page = context ? await context.newPage() : await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const fetched = new Map<string, number>();
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.includes('/appeal-widget/')) fetched.set(path, response.status());
  });
  const errors = watchErrors(page);
  await page.goto(`${wp.url}/?p=${id}`);
  return { page, fetched, errors };
}

/** The widths of the widget and of the paragraph beside it in the content column. */
async function widths(page: Page): Promise<{ widget: number; column: number; left: [number, number] }> {
  return page.evaluate(() => {
    const widget = document.querySelector('appeal-widget')!.getBoundingClientRect();
    const probe = document.querySelector('.column-probe')!.getBoundingClientRect();
    return { widget: widget.width, column: probe.width, left: [widget.left, probe.left] as [number, number] };
  });
}

async function checkInColumn(page: Page, name: string): Promise<void> {
  const measured = await widths(page);
  assert.ok(measured.column > 200, `the content column has a width (${measured.column})`);
  assert.ok(Math.abs(measured.widget - measured.column) <= 1, `${name}: widget ${measured.widget}px wide, content column ${measured.column}px`);
  assert.ok(Math.abs(measured.left[0] - measured.left[1]) <= 1, `${name}: widget and column start at the same x (${measured.left.join(' vs ')})`);
}

describe('the WordPress plugin in WordPress 6.1', { skip }, () => {
  before(async () => {
    if (missing.length) throw new Error(`CI must install Debian's ${missing.join(', ')} (.ci/run)`);
    mkdirSync(OUT, { recursive: true });
    dist = snapshotDist();
    zipDir = tempDir('wordpress-zip');
    execFileSync('node', [join(ROOT, 'scripts', 'build-wordpress.mjs'), '--no-build', '--dist', dist, '--out', zipDir], { cwd: ROOT, stdio: 'pipe' });
    const zip = join(zipDir, `appeal-widget-wordpress-${VERSION}.zip`);

    const port = await freePort();
    receiver = await startReceiver({ env: { ALLOWED_ORIGINS: `http://127.0.0.1:${port}` }, campaigns: CAMPAIGNS });
    const demo = JSON.parse(readFileSync(join(ROOT, 'demo', 'free-baltabay.json'), 'utf8')) as Record<string, unknown>;
    const off = { mode: 'off' as const, targets: [], confirm: false, replyTo: 'none' as const, test: false, hourlyCap: 30 };
    for (const id of CAMPAIGNS) {
      await receiver.app.signatureStore.putCampaign(id, { document: { ...demo, id, letter: undefined }, status: 'open', delivery: off });
    }

    wp = await startWordPress(port);
    wp.php(`
define( 'WP_INSTALLING', true );
function wp_new_blog_notification() {} // No mail server here: the welcome email is not sent.
require '${wp.root}/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$result = wp_install( 'Union des chauffeurs', '${ADMIN.user}', 'admin@blog.example', false, '', '${ADMIN.password}' );
update_option( 'permalink_structure', '' );
`);
    const setup = JSON.parse(wp.php(setupScript(wp.root, zip))) as { ids: typeof ids; privacy: string };
    ids = setup.ids;
    privacyUrl = setup.privacy;
    assert.match(privacyUrl, /^http:\/\/127\.0\.0\.1:\d+\/\?page_id=\d+$/);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await wp?.close();
    await receiver?.close();
    removeTemp(dist, zipDir);
  });

  test('the settings page saves the endpoint and refuses a javascript: one', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await logIn(context, ADMIN);
    await page.goto(`${wp.url}/wp-admin/options-general.php?page=appeal-widget`);
    await page.fill('#appeal-widget-endpoint', `${receiver.url}/api/signatures`);
    await page.fill('#appeal-widget-campaign_url', `${receiver.url}/api/campaigns/{campaign}`);
    await page.fill('#appeal-widget-organiser', 'le Syndicat des chauffeurs');
    await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
    await page.getByText('Settings saved.').waitFor();
    assert.equal(await page.inputValue('#appeal-widget-endpoint'), `${receiver.url}/api/signatures`);
    await page.screenshot({ path: join(OUT, 'wordpress-settings.png') });

    await page.fill('#appeal-widget-endpoint', 'javascript:alert(1)');
    await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
    await page.locator('.notice-error, .error').filter({ hasText: 'Default endpoint' }).first().waitFor();
    assert.equal(await page.inputValue('#appeal-widget-endpoint'), `${receiver.url}/api/signatures`, 'the refused value keeps the working one');
    await context.close();
  });

  test('a post with the block shows the widget in French in the content column (Twenty Twenty-Three)', async () => {
    const { page, fetched, errors } = await visit(ids.block);
    const widget = page.locator('appeal-widget');
    await waitForWidget(widget);
    assert.equal(await widget.getAttribute('lang'), 'fr');
    assert.equal(await widget.getAttribute('assets-url'), `${wp.url}/wp-content/plugins/appeal-widget/widget/`);
    assert.equal(await widget.getAttribute('campaign-url'), `${receiver.url}/api/campaigns/wp-block`);
    assert.equal((await widget.locator('[part="submit"]').textContent())?.trim(), tr(fr, 'form.submit'));
    assert.equal(fetched.get(LOCALE_PATH), 200, `fr.json from the plugin's folder (fetched: ${[...fetched.keys()].join(', ')})`);
    // One deferred script, in the footer, marked for optimisers; no data-endpoint, so it mounts nothing itself.
    const script = await page.evaluate((path) => {
      const tags = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].filter((tag) => new URL(tag.src).pathname === path);
      const tag = tags[0];
      return tag && { count: tags.length, defer: tag.defer, inBody: tag.closest('body') !== null, afterWidget: Boolean(document.querySelector('appeal-widget')!.compareDocumentPosition(tag) & Node.DOCUMENT_POSITION_FOLLOWING), noOptimize: tag.dataset['noOptimize'], endpoint: tag.hasAttribute('data-endpoint') };
    }, SCRIPT_PATH);
    assert.deepEqual(script, { count: 1, defer: true, inBody: true, afterWidget: true, noOptimize: '1', endpoint: false });
    await checkInColumn(page, 'block, Twenty Twenty-Three');
    await page.screenshot({ path: join(OUT, 'wordpress-block-twentytwentythree.png'), fullPage: true });
    assert.deepEqual(errors.pageErrors, []);
    assert.deepEqual(errors.consoleErrors, []);
    await page.close();
  });

  test('a block aligned wide takes the wide width (Twenty Twenty-Three)', async () => {
    const { page } = await visit(ids.wide);
    await waitForWidget(page.locator('appeal-widget'));
    const measured = await widths(page);
    const wrapper = await page.locator('.wp-block-appeal-widget-appeal').getAttribute('class');
    assert.match(wrapper ?? '', /\balignwide\b/);
    const wide = await page.evaluate(() => parseFloat(getComputedStyle(document.body).getPropertyValue('--wp--style--global--wide-size')));
    assert.ok(measured.widget > measured.column + 100, `wider than the column (${measured.widget} vs ${measured.column})`);
    assert.ok(Number.isFinite(wide) && measured.widget <= wide + 1, `at most the theme's wide size, ${wide}px (${measured.widget})`);
    await page.close();
  });

  test('a post with the shortcode shows the widget in French, and a signature reaches the receiver', async () => {
    const { page, fetched, errors } = await visit(ids.shortcode);
    const widget = page.locator('appeal-widget');
    await waitForWidget(widget);
    assert.equal(await widget.getAttribute('campaign'), 'wp-shortcode');
    assert.equal((await widget.locator('[part="submit"]').textContent())?.trim(), tr(fr, 'form.submit'));
    assert.equal(fetched.get(LOCALE_PATH), 200);
    await checkInColumn(page, 'shortcode, Twenty Twenty-Three');

    const before = await receiver.count('wp-shortcode');
    await fillSigner(widget, { firstName: 'Aigerim', lastName: 'N.', email: 'aigerim@example.org', country: 'KZ' });
    await widget.locator('[part="submit"]').click();
    await widget.locator('[part="thanks"]').waitFor({ timeout: 20_000 });
    assert.equal(await receiver.count('wp-shortcode'), before + 1);
    const [row] = await receiver.csv('wp-shortcode');
    assert.equal(row?.['email'], 'aigerim@example.org');
    assert.deepEqual(errors.pageErrors, []);
    await page.close();
  });

  test('a post without a widget loads no widget script', async () => {
    const { page, fetched } = await visit(ids.plain);
    const html = await page.content();
    assert.ok(!html.includes('appeal-widget'), 'nothing of the plugin in the page');
    assert.deepEqual([...fetched.keys()], []);
    await page.close();
  });

  test("an author's hostile shortcodes render nothing dangerous; the refused ones are shown to editors only", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const dialogs: string[] = [];
    const outside: string[] = [];
    context.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await context.route(/evil\.example/, (route) => {
      outside.push(route.request().url());
      void route.abort();
    });
    const { page } = await visit(ids.evil, context);
    const widgets = page.locator('appeal-widget');
    assert.equal(await widgets.count(), 1, 'only the shortcode on the default endpoint renders');
    await waitForWidget(widgets);
    await widgets.hover();
    const found = await page.evaluate(() => {
      const all = [...document.querySelectorAll('*')];
      const handlers = all.filter((element) => [...element.attributes].some((attribute) => /^on/i.test(attribute.name))).map((element) => element.outerHTML.slice(0, 200));
      const widget = document.querySelector('appeal-widget')!;
      return {
        handlers,
        attributes: Object.fromEntries([...widget.attributes].map((attribute) => [attribute.name, attribute.value])),
        javascriptUrls: all.filter((element) => [...element.attributes].some((attribute) => /^\s*javascript:/i.test(attribute.value))).length,
        scriptsInContent: document.querySelectorAll('.entry-content script, .wp-block-post-content script').length,
        notices: document.querySelectorAll('.appeal-widget-notice').length,
      };
    });
    assert.deepEqual(found.handlers, []);
    assert.equal(found.javascriptUrls, 0);
    assert.equal(found.scriptsInContent, 0);
    assert.equal(found.notices, 0, 'visitors see no notice');
    assert.equal(found.attributes['endpoint'], `${receiver.url}/api/signatures`);
    assert.equal(found.attributes['campaign'], 'wp-evil" onmouseover="alert(1)', 'the campaign stays text');
    assert.equal(found.attributes['lang'], undefined, 'a lang of the wrong shape is dropped');
    assert.equal(found.attributes['privacy-url'], privacyUrl, "javascript: gives way to WordPress's privacy page");
    for (const name of ['share-url', 'count-url']) assert.equal(found.attributes[name], undefined, name);
    assert.equal(found.attributes['campaign-url'], `${receiver.url}/api/campaigns/wp-evil%22%20onmouseover%3D%22alert%281%29`);
    assert.equal(found.attributes['fields'], undefined, 'a field list with an attribute spliced in is dropped');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(outside, [], 'nothing requested from evil.example');
    await context.close();

    const editorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const editor = await logIn(editorContext, EDITOR);
    await editor.goto(`${wp.url}/?p=${ids.evil}`);
    assert.equal(await editor.locator('.appeal-widget-notice').count(), 2, 'an editor sees why two widgets are missing');
    await editor.locator('.appeal-widget-notice').first().scrollIntoViewIfNeeded();
    await editor.screenshot({ path: join(OUT, 'wordpress-notice-for-editors.png') });
    await editorContext.close();
  });

  test('the block inserts from the inserter and previews in the editor', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await logIn(context, ADMIN);
    const errors = watchErrors(page);
    await page.goto(`${wp.url}/wp-admin/post-new.php`);
    await page.waitForFunction(() => Boolean((window as unknown as { wp?: { data?: unknown } }).wp?.data));
    await page.evaluate(() => {
      const { data } = (window as unknown as { wp: { data: { select(store: string): { isFeatureActive(name: string): boolean }; dispatch(store: string): { toggleFeature(name: string): void } } } }).wp;
      if (data.select('core/edit-post').isFeatureActive('welcomeGuide')) data.dispatch('core/edit-post').toggleFeature('welcomeGuide');
    });
    await page.getByRole('button', { name: 'Toggle block inserter' }).click();
    await page.getByRole('searchbox', { name: /Search/ }).fill('Appeal');
    await page.getByRole('option', { name: 'Appeal widget' }).click();
    const block = page.locator('[data-type="appeal-widget/appeal"]');
    await block.waitFor();
    await block.getByText(/Name the campaign/).waitFor();
    // The block's settings are in the editor's sidebar, which the inserter closed.
    const sidebar = page.getByRole('button', { name: 'Settings', exact: true });
    if ((await sidebar.getAttribute('aria-expanded')) !== 'true') await sidebar.click();
    await page.getByLabel('Campaign', { exact: true }).fill('wp-editor');
    await page.getByLabel('Language').selectOption('fr');
    // The server renders the preview again after each change: wait for the one with the language.
    const preview = block.locator('appeal-widget[lang="fr"][campaign="wp-editor"]');
    await waitForWidget(preview);
    assert.equal((await preview.locator('[part="submit"]').textContent())?.trim(), tr(fr, 'form.submit'));
    await page.screenshot({ path: join(OUT, 'wordpress-editor.png') });
    assert.deepEqual(errors.pageErrors, []);
    await context.close();
  });

  test('in a classic theme the widget takes the content column too', async () => {
    cpSync(join(ROOT, 'test', 'e2e', 'fixtures', 'wordpress-classic-theme'), join(wp.root, 'wp-content', 'themes', 'appeal-test-classic'), { recursive: true });
    wp.php(`require '${wp.root}/wp-load.php'; switch_theme( 'appeal-test-classic' ); echo get_stylesheet();`);
    for (const [name, id] of [['block', ids.block], ['shortcode', ids.shortcode]] as const) {
      const { page, fetched } = await visit(id);
      await waitForWidget(page.locator('appeal-widget'));
      assert.equal(fetched.get(LOCALE_PATH), 200);
      await checkInColumn(page, `${name}, classic theme`);
      await page.screenshot({ path: join(OUT, `wordpress-${name}-classic.png`), fullPage: true });
      await page.close();
    }
  });

  test("WordPress's debug log has nothing from the plugin", () => {
    // The log does catch notices (so an empty answer means something):
    wp.php(`require '${wp.root}/wp-load.php'; trigger_error( 'debug log probe', E_USER_NOTICE );`);
    assert.match(readFileSync(wp.debugLog, 'utf8'), /PHP Notice: {2}debug log probe/);
    assert.deepEqual(pluginLogLines(wp.debugLog), []);
  });

  test('deleting the plugin removes its settings (uninstall.php)', () => {
    const answer = wp.php(`
require '${wp.root}/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
$before = is_array( get_option( 'appeal_widget_settings' ) ) ? 'stored' : 'missing';
deactivate_plugins( 'appeal-widget/appeal-widget.php' );
$deleted = delete_plugins( array( 'appeal-widget/appeal-widget.php' ) );
wp_cache_flush();
echo wp_json_encode( array( $before, true === $deleted, get_option( 'appeal_widget_settings', 'gone' ), is_dir( WP_PLUGIN_DIR . '/appeal-widget' ) ) );
`);
    assert.deepEqual(JSON.parse(answer), ['stored', true, 'gone', false]);
    assert.deepEqual(pluginLogLines(wp.debugLog), []);
  });
});
