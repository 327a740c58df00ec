<?php
/**
 * The settings page (Settings > Appeal widget): the default endpoint, the campaign document, the
 * organiser, the privacy page and the endpoints authors may use. One option per site, so each site
 * of a multisite network has its own.
 *
 * @package AppealWidget
 */

defined( 'ABSPATH' ) || exit;

/**
 * Stores, sanitises and shows the plugin's settings.
 */
final class Appeal_Widget_Settings {

	/** The option holding every setting. */
	const OPTION = 'appeal_widget_settings';

	/** The settings group and page slug. */
	const PAGE = 'appeal-widget';

	/**
	 * The settings before an administrator saves any.
	 *
	 * @return array<string,string>
	 */
	public static function defaults() {
		return array(
			'endpoint'          => '',
			'campaign_url'      => '',
			'organiser'         => '',
			'privacy_url'       => '',
			'allowed_endpoints' => '',
		);
	}

	/**
	 * This site's settings, with the privacy page defaulting to WordPress's own (Settings > Privacy).
	 *
	 * @return array<string,string>
	 */
	public static function get() {
		$stored   = get_option( self::OPTION, array() );
		$settings = array_merge( self::defaults(), is_array( $stored ) ? array_intersect_key( $stored, self::defaults() ) : array() );
		if ( '' === $settings['privacy_url'] && function_exists( 'get_privacy_policy_url' ) ) {
			$settings['privacy_url'] = (string) get_privacy_policy_url();
		}
		return $settings;
	}

	/**
	 * Cleans what the settings form sent. Pure: returns the values to store and the problems to
	 * report, each a [field, message code] pair, so it is testable without WordPress's options.
	 *
	 * @param mixed $input The submitted values.
	 * @return array{values: array<string,string>, problems: array<int,array{0:string,1:string}>}
	 */
	public static function clean( $input ) {
		$input    = is_array( $input ) ? $input : array();
		$values   = self::defaults();
		$problems = array();

		foreach ( array( 'endpoint', 'campaign_url', 'privacy_url' ) as $field ) {
			$raw = isset( $input[ $field ] ) && is_string( $input[ $field ] ) ? trim( $input[ $field ] ) : '';
			if ( '' === $raw ) {
				continue;
			}
			$url = Appeal_Widget_Urls::http_url( $raw );
			if ( null === $url ) {
				$problems[] = array( $field, 'not-http-url' );
			} else {
				$values[ $field ] = $url;
			}
		}

		$organiser = isset( $input['organiser'] ) && is_string( $input['organiser'] ) ? $input['organiser'] : '';
		// Text only: the widget shows it as text, and a tag here would only be noise.
		$organiser           = trim( (string) preg_replace( '/[\x00-\x1f\x7f]+/u', ' ', strip_tags( $organiser ) ) );
		$values['organiser'] = function_exists( 'mb_substr' ) ? mb_substr( $organiser, 0, 200, 'UTF-8' ) : substr( $organiser, 0, 200 );

		$lines = isset( $input['allowed_endpoints'] ) && is_string( $input['allowed_endpoints'] ) ? preg_split( '/\r\n|\r|\n/', $input['allowed_endpoints'] ) : array();
		$kept  = array();
		foreach ( $lines as $line ) {
			if ( '' === trim( $line ) ) {
				continue;
			}
			$url = Appeal_Widget_Urls::http_url( $line );
			if ( null === $url ) {
				$problems[] = array( 'allowed_endpoints', 'not-http-url' );
			} elseif ( ! in_array( $url, $kept, true ) ) {
				$kept[] = $url;
			}
		}
		$values['allowed_endpoints'] = implode( "\n", $kept );

		return array(
			'values'   => $values,
			'problems' => $problems,
		);
	}

	/**
	 * The sanitize_callback of the option: clean() plus a settings error per problem. A refused
	 * value keeps the one stored before, so a typo never wipes a working endpoint.
	 *
	 * @param mixed $input The submitted values.
	 * @return array<string,string>
	 */
	public static function sanitize( $input ) {
		$result   = self::clean( $input );
		$previous = get_option( self::OPTION, array() );
		$previous = is_array( $previous ) ? array_merge( self::defaults(), $previous ) : self::defaults();
		$labels   = self::labels();
		$reported = array();
		foreach ( $result['problems'] as $problem ) {
			list( $field ) = $problem;
			if ( isset( $reported[ $field ] ) ) {
				continue;
			}
			$reported[ $field ] = true;
			if ( 'allowed_endpoints' !== $field ) {
				$result['values'][ $field ] = $previous[ $field ];
			}
			add_settings_error(
				self::OPTION,
				'appeal-widget-' . $field,
				/* translators: %s: the name of a settings field, such as "Default endpoint". */
				sprintf( __( '%s: enter a full address starting with https:// (or http://). Lines that were not were left out.', 'appeal-widget' ), $labels[ $field ] )
			);
		}
		return $result['values'];
	}

	/**
	 * The fields' labels, translated.
	 *
	 * @return array<string,string>
	 */
	private static function labels() {
		return array(
			'endpoint'          => __( 'Default endpoint', 'appeal-widget' ),
			'campaign_url'      => __( 'Campaign document', 'appeal-widget' ),
			'organiser'         => __( 'Organiser', 'appeal-widget' ),
			'privacy_url'       => __( 'Privacy page', 'appeal-widget' ),
			'allowed_endpoints' => __( 'Endpoints authors may use', 'appeal-widget' ),
		);
	}

	/** Hooks the settings page into the admin. */
	public static function register_hooks() {
		add_action( 'admin_init', array( __CLASS__, 'register_setting' ) );
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ) );
	}

	/** Registers the option, its section and its fields with the Settings API. */
	public static function register_setting() {
		register_setting(
			self::PAGE,
			self::OPTION,
			array(
				'type'              => 'object',
				'sanitize_callback' => array( __CLASS__, 'sanitize' ),
				'default'           => self::defaults(),
				'show_in_rest'      => false,
			)
		);
		add_settings_section( 'appeal-widget-main', __( 'Where signatures go', 'appeal-widget' ), array( __CLASS__, 'section_intro' ), self::PAGE );
		$labels = self::labels();
		$help   = array(
			'endpoint'          => __( 'The address signatures are sent to, for example https://appeal.union.example/api/signatures. Every block and shortcode uses it unless it names another allowed endpoint.', 'appeal-widget' ),
			'campaign_url'      => __( 'The campaign document with the appeal\'s texts, goal and letter, for example https://appeal.union.example/api/campaigns/{campaign}. {campaign} is replaced by the campaign of each block or shortcode.', 'appeal-widget' ),
			'organiser'         => __( 'Your group as it reads in the consent sentence ("Yes, … may email me"), for example: the Demo Union.', 'appeal-widget' ),
			'privacy_url'       => __( 'Shown beside the consent. Leave empty to use this site\'s privacy policy page (Settings > Privacy).', 'appeal-widget' ),
			'allowed_endpoints' => __( 'One address per line. Authors may point a block or shortcode at these and at the default endpoint, nowhere else: any other endpoint shows a notice to editors and nothing to visitors.', 'appeal-widget' ),
		);
		foreach ( $labels as $field => $label ) {
			add_settings_field(
				'appeal-widget-' . $field,
				$label,
				array( __CLASS__, 'field' ),
				self::PAGE,
				'appeal-widget-main',
				array(
					'field'     => $field,
					'help'      => $help[ $field ],
					'label_for' => 'appeal-widget-' . $field,
				)
			);
		}
	}

	/** Adds Settings > Appeal widget, for those who may manage options. */
	public static function add_page() {
		add_options_page( __( 'Appeal widget', 'appeal-widget' ), __( 'Appeal widget', 'appeal-widget' ), 'manage_options', self::PAGE, array( __CLASS__, 'page' ) );
	}

	/** The section's introduction. */
	public static function section_intro() {
		echo '<p>' . esc_html__( 'These settings apply to every appeal widget on this site. Visitors\' signatures are sent from their browsers straight to the endpoint; this site stores none of them.', 'appeal-widget' ) . '</p>';
	}

	/**
	 * One field of the form.
	 *
	 * @param array $args The field and its help text.
	 */
	public static function field( $args ) {
		$field    = $args['field'];
		$stored   = get_option( self::OPTION, array() );
		$value    = is_array( $stored ) && isset( $stored[ $field ] ) ? (string) $stored[ $field ] : '';
		$id       = 'appeal-widget-' . $field;
		$name     = self::OPTION . '[' . $field . ']';
		$describe = $id . '-help';
		if ( 'allowed_endpoints' === $field ) {
			printf( '<textarea id="%1$s" name="%2$s" rows="4" cols="60" class="large-text code" aria-describedby="%3$s">%4$s</textarea>', esc_attr( $id ), esc_attr( $name ), esc_attr( $describe ), esc_textarea( $value ) );
		} else {
			$type        = 'organiser' === $field ? 'text' : 'url';
			$placeholder = 'privacy_url' === $field && function_exists( 'get_privacy_policy_url' ) ? (string) get_privacy_policy_url() : '';
			printf( '<input id="%1$s" name="%2$s" type="%3$s" value="%4$s" class="regular-text" placeholder="%5$s" aria-describedby="%6$s">', esc_attr( $id ), esc_attr( $name ), esc_attr( $type ), esc_attr( $value ), esc_attr( $placeholder ), esc_attr( $describe ) );
		}
		printf( '<p class="description" id="%1$s">%2$s</p>', esc_attr( $describe ), esc_html( $args['help'] ) );
	}

	/** The settings page: the Settings API's form, its nonce included by settings_fields(). */
	public static function page() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		echo '<div class="wrap"><h1>' . esc_html( get_admin_page_title() ) . '</h1><form action="options.php" method="post">';
		settings_fields( self::PAGE );
		do_settings_sections( self::PAGE );
		submit_button();
		echo '</form></div>';
	}
}
