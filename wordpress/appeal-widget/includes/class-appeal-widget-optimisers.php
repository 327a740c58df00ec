<?php
/**
 * Keeps script optimisers off the widget. Combining it into a bundle or delaying it until the
 * first scroll breaks it (it must know where its locales are and show the form straight away), so
 * the script is excluded from combining, minifying and delaying by each plugin's documented filter.
 * Each filter is a no-op where its plugin is not installed. The element also carries an explicit
 * assets-url, so even a moved script finds its locales.
 *
 * @package AppealWidget
 */

defined( 'ABSPATH' ) || exit;

/**
 * Exclusions for Autoptimize, WP Rocket and LiteSpeed Cache.
 */
final class Appeal_Widget_Optimisers {

	/** The script's path fragment each optimiser matches against. */
	private static $path = '';

	/**
	 * Hooks the exclusions.
	 *
	 * @param string $path The script's path fragment ("appeal-widget/widget/appeal-widget.js").
	 */
	public static function register_hooks( $path ) {
		self::$path = $path;
		// Autoptimize: a comma-separated list of fragments not to aggregate.
		add_filter( 'autoptimize_filter_js_exclude', array( __CLASS__, 'exclude_in_string' ) );
		// WP Rocket: minify/combine, defer and "Delay JavaScript execution" exclusion lists.
		add_filter( 'rocket_exclude_js', array( __CLASS__, 'exclude_in_list' ) );
		add_filter( 'rocket_exclude_defer_js', array( __CLASS__, 'exclude_in_list' ) );
		add_filter( 'rocket_delay_js_exclusions', array( __CLASS__, 'exclude_in_list' ) );
		// LiteSpeed Cache: JS combine/minify and defer/delay exclusion lists (the tag also has data-no-optimize).
		add_filter( 'litespeed_optimize_js_excludes', array( __CLASS__, 'exclude_in_list' ) );
		add_filter( 'litespeed_optm_js_defer_exc', array( __CLASS__, 'exclude_in_list' ) );
	}

	/**
	 * Adds the script to a comma-separated exclusion string.
	 *
	 * @param mixed $excluded The list so far.
	 * @return string
	 */
	public static function exclude_in_string( $excluded ) {
		$excluded = is_string( $excluded ) ? trim( $excluded ) : '';
		if ( false !== strpos( $excluded, self::$path ) ) {
			return $excluded;
		}
		return '' === $excluded ? self::$path : $excluded . ', ' . self::$path;
	}

	/**
	 * Adds the script to an exclusion array.
	 *
	 * @param mixed $excluded The list so far.
	 * @return array
	 */
	public static function exclude_in_list( $excluded ) {
		$excluded = is_array( $excluded ) ? $excluded : ( is_string( $excluded ) && '' !== $excluded ? array( $excluded ) : array() );
		if ( ! in_array( self::$path, $excluded, true ) ) {
			$excluded[] = self::$path;
		}
		return $excluded;
	}
}
