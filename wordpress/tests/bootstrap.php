<?php
/**
 * Bootstrap of the plugin's PHP unit tests. The plugin's pure classes run as they are; its
 * escaping runs through WordPress's own esc_attr() and esc_url(), loaded from Debian's
 * WordPress (WORDPRESS_DIR, default /usr/share/wordpress) without a database: the one thing those
 * functions ask of the database, the site's charset (get_option, wp_load_alloptions), is answered
 * here as a fresh site has it.
 *
 * @package AppealWidget
 */

$appeal_widget_wordpress = rtrim( getenv( 'WORDPRESS_DIR' ) ?: '/usr/share/wordpress', '/' );
define( 'ABSPATH', $appeal_widget_wordpress . '/' );
define( 'WPINC', 'wp-includes' );

require ABSPATH . WPINC . '/plugin.php';
require ABSPATH . WPINC . '/formatting.php';
require ABSPATH . WPINC . '/kses.php';
require ABSPATH . WPINC . '/http.php';

if ( ! function_exists( 'get_option' ) ) {
	/**
	 * The options esc_attr() and esc_url() read, as WordPress installs them.
	 *
	 * @param string $name    Option name.
	 * @param mixed  $default Default value.
	 * @return mixed
	 */
	function get_option( $name, $default = false ) {
		return 'blog_charset' === $name ? 'UTF-8' : $default;
	}
}

if ( ! function_exists( 'wp_load_alloptions' ) ) {
	/**
	 * The autoloaded options _wp_specialchars() reads its charset from.
	 *
	 * @return array
	 */
	function wp_load_alloptions() {
		return array( 'blog_charset' => 'UTF-8' );
	}
}

$appeal_widget_plugin = dirname( __DIR__ ) . '/appeal-widget';
require $appeal_widget_plugin . '/includes/class-appeal-widget-urls.php';
require $appeal_widget_plugin . '/includes/class-appeal-widget-renderer.php';
require $appeal_widget_plugin . '/includes/class-appeal-widget-settings.php';
require $appeal_widget_plugin . '/includes/class-appeal-widget-optimisers.php';
require $appeal_widget_plugin . '/includes/class-appeal-widget-plugin.php';
