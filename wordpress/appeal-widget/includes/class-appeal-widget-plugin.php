<?php
/**
 * Wires the plugin into WordPress: the widget's script, the block, the shortcode, optimiser
 * exclusions, Elementor's preview and the settings page.
 *
 * @package AppealWidget
 */

defined( 'ABSPATH' ) || exit;

/**
 * The plugin's hooks.
 */
final class Appeal_Widget_Plugin {

	/** The widget script's handle. */
	const SCRIPT = 'appeal-widget';

	/** The block's name (block.json). */
	const BLOCK = 'appeal-widget/appeal';

	/** The main plugin file, for plugins_url(). */
	private static $file = '';

	/**
	 * Hooks everything in.
	 *
	 * @param string $file The main plugin file.
	 */
	public static function boot( $file ) {
		self::$file = $file;
		add_action( 'init', array( __CLASS__, 'init' ) );
		add_filter( 'script_loader_tag', array( __CLASS__, 'script_tag' ), 10, 2 );
		Appeal_Widget_Settings::register_hooks();
		Appeal_Widget_Optimisers::register_hooks( self::script_path() );
		// Elementor renders its preview's widgets over AJAX, where nothing enqueued then is printed:
		// load the script into the preview up front so a shortcode widget there comes alive.
		add_action( 'elementor/preview/enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( $file ), array( __CLASS__, 'action_links' ) );
	}

	/** The widget script's path below the site root, as optimisers match it. */
	public static function script_path() {
		return 'appeal-widget/widget/appeal-widget.js';
	}

	/** The folder holding the widget's locales/ and assets/, ending in /. */
	public static function assets_url() {
		return plugins_url( 'widget/', self::$file );
	}

	/** Registers the script, the block and the shortcode; loads the plugin's translations. */
	public static function init() {
		load_plugin_textdomain( 'appeal-widget', false, dirname( plugin_basename( self::$file ) ) . '/languages' );

		// WordPress 6.3 takes a loading strategy; 6.1 and 6.2 read the array as "in footer" and get
		// their defer from script_tag() below.
		wp_register_script(
			self::SCRIPT,
			plugins_url( 'widget/appeal-widget.js', self::$file ),
			array(),
			APPEAL_WIDGET_VERSION,
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);

		register_block_type(
			dirname( self::$file ) . '/block',
			array( 'render_callback' => array( __CLASS__, 'render_block' ) )
		);
		add_action( 'enqueue_block_editor_assets', array( __CLASS__, 'editor_assets' ) );
		add_shortcode( 'appeal_widget', array( __CLASS__, 'render_shortcode' ) );
	}

	/** Enqueues the widget script (in the footer, deferred); only called where a widget renders. */
	public static function enqueue() {
		wp_enqueue_script( self::SCRIPT );
	}

	/**
	 * Adds defer where WordPress has no loading strategies (before 6.3), and the attributes that
	 * script optimisers read as "leave this one alone" (LiteSpeed, WP Rocket, Cloudflare).
	 *
	 * @param string $tag    The script tag.
	 * @param string $handle Its handle.
	 * @return string
	 */
	public static function script_tag( $tag, $handle ) {
		if ( self::SCRIPT !== $handle || false === strpos( $tag, ' src=' ) ) {
			return $tag;
		}
		$extra = ' data-no-optimize="1" data-no-defer="1" data-no-minify="1" data-cfasync="false" nowprocket';
		if ( ! preg_match( '/\sdefer[\s=>]/', $tag ) ) {
			$extra .= ' defer';
		}
		return (string) preg_replace( '/<script\b/', '<script' . $extra, $tag, 1 );
	}

	/**
	 * The block's render callback.
	 *
	 * @param array $attributes The block's attributes.
	 * @return string
	 */
	public static function render_block( $attributes ) {
		$attributes = is_array( $attributes ) ? $attributes : array();
		unset( $attributes['align'], $attributes['className'] );
		return self::render( $attributes, 'block' );
	}

	/**
	 * The shortcode [appeal_widget campaign="…" lang="…"].
	 *
	 * @param array|string $atts The shortcode's attributes ('' when it has none).
	 * @return string
	 */
	public static function render_shortcode( $atts ) {
		return self::render( is_array( $atts ) ? $atts : array(), 'shortcode' );
	}

	/**
	 * The widget for a block or a shortcode: the element in a wrapper that sits in the content
	 * column, or, when the configuration is refused, a notice for editors and nothing for visitors.
	 *
	 * @param array  $options What the author gave.
	 * @param string $kind    'block' or 'shortcode'.
	 * @return string
	 */
	private static function render( array $options, $kind ) {
		$result = Appeal_Widget_Renderer::resolve( $options, Appeal_Widget_Settings::get(), self::assets_url() );
		if ( '' !== $result['problem'] ) {
			return current_user_can( 'edit_posts' ) ? self::notice( $result['problem'] ) : '';
		}
		self::enqueue();
		$element = Appeal_Widget_Renderer::element( $result['attributes'] );
		if ( 'block' === $kind && function_exists( 'get_block_wrapper_attributes' ) ) {
			// The block's own wrapper: its alignment classes and the layout's content width apply to it.
			return '<div ' . get_block_wrapper_attributes() . '>' . $element . '</div>';
		}
		return '<div class="wp-block-appeal-widget-appeal appeal-widget-shortcode">' . $element . '</div>';
	}

	/**
	 * What editors see instead of a widget the settings refuse. Shown to logged-in editors only,
	 * never to visitors, so a cached page holds nothing of it.
	 *
	 * @param string $problem 'no-endpoint' or 'endpoint-not-allowed'.
	 * @return string
	 */
	private static function notice( $problem ) {
		$message = 'no-endpoint' === $problem
			? __( 'Appeal widget: no endpoint is set. An administrator can set one under Settings > Appeal widget.', 'appeal-widget' )
			: __( 'Appeal widget: this endpoint is not one this site allows, so visitors see nothing here. Use the default endpoint, or ask an administrator to add it under Settings > Appeal widget.', 'appeal-widget' );
		return '<p class="appeal-widget-notice" role="note" style="box-sizing:border-box;border:2px dashed currentColor;padding:0.75em">' . esc_html( $message ) . '</p>';
	}

	/** The editor's script data: the languages the widget ships, and whether an endpoint is set. */
	public static function editor_assets() {
		$languages = array();
		foreach ( (array) glob( dirname( self::$file ) . '/widget/locales/*.json' ) as $file ) {
			$languages[] = basename( (string) $file, '.json' );
		}
		sort( $languages );
		$settings = Appeal_Widget_Settings::get();
		$data     = array(
			'languages'   => $languages,
			'hasEndpoint' => '' !== $settings['endpoint'],
			'settingsUrl' => current_user_can( 'manage_options' ) ? admin_url( 'options-general.php?page=' . Appeal_Widget_Settings::PAGE ) : '',
		);
		$handle   = generate_block_asset_handle( self::BLOCK, 'editorScript' );
		wp_add_inline_script( $handle, 'window.appealWidgetEditor = ' . wp_json_encode( $data ) . ';', 'before' );
		if ( function_exists( 'wp_set_script_translations' ) ) {
			wp_set_script_translations( $handle, 'appeal-widget', dirname( self::$file ) . '/languages' );
		}
	}

	/**
	 * A "Settings" link beside Deactivate on the Plugins screen.
	 *
	 * @param string[] $links The row's links.
	 * @return string[]
	 */
	public static function action_links( $links ) {
		$url = admin_url( 'options-general.php?page=' . Appeal_Widget_Settings::PAGE );
		array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'appeal-widget' ) . '</a>' );
		return $links;
	}
}
