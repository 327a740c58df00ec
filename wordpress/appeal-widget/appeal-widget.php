<?php
/**
 * Plugin Name:       Appeal widget
 * Description:       A campaign action in a post: the appeal, a signature form, a thank-you step with share links and a live counter, as a block or the [appeal_widget] shortcode.
 * Version:           0.0.0-dev
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            appeal-widget contributors
 * License:           AGPL-3.0-or-later
 * License URI:       https://www.gnu.org/licenses/agpl-3.0.html
 * Text Domain:       appeal-widget
 * Domain Path:       /languages
 *
 * @package AppealWidget
 */

/*
 * Licence. This plugin is free software under the GNU Affero General Public License, version 3
 * or (at your option) any later version. WordPress is GPL-2.0-or-later. The AGPLv3 is not
 * compatible with GPLv2 on its own, but section 13 of GPLv3 and of AGPLv3 lets a GPLv3 work and an
 * AGPLv3 work be combined, and WordPress's "or any later version" makes GPLv3 available for it.
 * WordPress.org's plugin directory asks for a licence compatible with GPLv2 or any later version
 * (GPLv2-or-later is its recommendation, not a requirement). Bundled: Lit (BSD-3-Clause) and
 * i18next (MIT), both GPL-compatible. See readme.txt and the project's README.
 */

defined( 'ABSPATH' ) || exit;

define( 'APPEAL_WIDGET_VERSION', '0.0.0-dev' );

require_once __DIR__ . '/includes/class-appeal-widget-urls.php';
require_once __DIR__ . '/includes/class-appeal-widget-renderer.php';
require_once __DIR__ . '/includes/class-appeal-widget-settings.php';
require_once __DIR__ . '/includes/class-appeal-widget-optimisers.php';
require_once __DIR__ . '/includes/class-appeal-widget-plugin.php';

Appeal_Widget_Plugin::boot( __FILE__ );
