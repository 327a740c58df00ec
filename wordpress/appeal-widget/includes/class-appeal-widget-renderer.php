<?php
/**
 * The one renderer behind the block and the shortcode: turns what an author gave into the
 * attributes of an `<appeal-widget>` element, keeping only values of the right shape, and prints
 * the element with every attribute escaped.
 *
 * @package AppealWidget
 */

defined( 'ABSPATH' ) || exit;

/**
 * From author input to a safe `<appeal-widget>` element (SPEC §2.3, §11).
 */
final class Appeal_Widget_Renderer {

	/** The widget's fields (SPEC §2.3). */
	const FIELDS = array( 'first-name', 'last-name', 'name', 'email', 'country', 'postcode', 'organisation', 'phone', 'comment' );

	/** The widget's share channels (SPEC §3). */
	const CHANNELS = array( 'whatsapp', 'facebook', 'x', 'bluesky', 'telegram', 'mastodon', 'linkedin', 'reddit', 'email', 'copy' );

	/** Options the block and the shortcode take, by the element attribute each becomes. */
	const OPTIONS = array( 'endpoint', 'format', 'campaign', 'campaign-url', 'lang', 'fields', 'goal', 'count-url', 'share', 'share-url', 'share-text', 'organiser', 'privacy-url', 'consent' );

	/**
	 * Resolves the element's attributes from an author's options and the site's settings.
	 *
	 * @param array  $options   Author input keyed by attribute name (`campaign-url`) or its
	 *                          shortcode/block spelling (`campaign_url`, `campaignUrl`).
	 * @param array  $settings  The plugin's settings (Appeal_Widget_Settings::get()).
	 * @param string $assets_url The folder holding the widget's locales/ and assets/.
	 * @return array{attributes: array<string,string>, problem: string} `problem` is '' when the
	 *               widget may render, else 'no-endpoint' or 'endpoint-not-allowed'.
	 */
	public static function resolve( array $options, array $settings, $assets_url ) {
		$given = array();
		foreach ( $options as $key => $value ) {
			$name = strtolower( (string) preg_replace( '/([a-z])([A-Z])/', '$1-$2', (string) $key ) );
			$name = str_replace( '_', '-', $name );
			if ( in_array( $name, self::OPTIONS, true ) && is_scalar( $value ) && '' !== trim( (string) $value ) ) {
				$given[ $name ] = trim( (string) $value );
			}
		}

		$default_endpoint = isset( $settings['endpoint'] ) ? (string) $settings['endpoint'] : '';
		$allowed          = isset( $settings['allowed_endpoints'] ) ? Appeal_Widget_Urls::endpoint_list( $settings['allowed_endpoints'] ) : array();
		$attributes       = array();

		$endpoint = isset( $given['endpoint'] ) ? $given['endpoint'] : $default_endpoint;
		if ( '' === $endpoint ) {
			return array(
				'attributes' => array(),
				'problem'    => 'no-endpoint',
			);
		}
		if ( ! Appeal_Widget_Urls::endpoint_allowed( $endpoint, $default_endpoint, $allowed ) ) {
			return array(
				'attributes' => array(),
				'problem'    => 'endpoint-not-allowed',
			);
		}
		$attributes['endpoint'] = Appeal_Widget_Urls::http_url( $endpoint );

		if ( isset( $given['format'] ) && in_array( $given['format'], array( 'json', 'form' ), true ) ) {
			$attributes['format'] = $given['format'];
		}
		if ( isset( $given['campaign'] ) ) {
			$attributes['campaign'] = self::text( $given['campaign'], 200 );
		}

		// Documents and counters come from the hosts the administrator chose, never an author's own.
		$trusted      = array_merge( array( $default_endpoint ), $allowed );
		$campaign_url = isset( $settings['campaign_url'] ) ? (string) $settings['campaign_url'] : '';
		if ( '' !== $campaign_url ) {
			$trusted[] = $campaign_url;
		}
		// One from elsewhere is ignored, like every refused value: the site's own document stands.
		if ( isset( $given['campaign-url'] ) && Appeal_Widget_Urls::origin_trusted( $given['campaign-url'], $trusted ) ) {
			$campaign_url = $given['campaign-url'];
		}
		$campaign_url = (string) Appeal_Widget_Urls::http_url( $campaign_url );
		if ( '' !== $campaign_url ) {
			$attributes['campaign-url'] = str_replace( '{campaign}', rawurlencode( isset( $attributes['campaign'] ) ? $attributes['campaign'] : '' ), $campaign_url );
		}
		if ( isset( $given['count-url'] ) && Appeal_Widget_Urls::origin_trusted( $given['count-url'], $trusted ) ) {
			$attributes['count-url'] = Appeal_Widget_Urls::http_url( $given['count-url'] );
		}

		if ( isset( $given['lang'] ) && preg_match( '/^[a-z]{2,3}(?:-[a-z0-9]{1,8}){0,3}$/i', $given['lang'] ) ) {
			$attributes['lang'] = $given['lang'];
		}
		if ( isset( $given['fields'] ) ) {
			$fields = self::names( $given['fields'], self::FIELDS, true );
			if ( '' !== $fields ) {
				$attributes['fields'] = $fields;
			}
		}
		if ( isset( $given['goal'] ) && preg_match( '/^[1-9][0-9]{0,9}$/', $given['goal'] ) ) {
			$attributes['goal'] = $given['goal'];
		}
		if ( isset( $given['share'] ) ) {
			$share = self::names( $given['share'], self::CHANNELS, false );
			if ( '' !== $share ) {
				$attributes['share'] = $share;
			}
		}
		if ( isset( $given['share-url'] ) && null !== Appeal_Widget_Urls::http_url( $given['share-url'] ) ) {
			$attributes['share-url'] = Appeal_Widget_Urls::http_url( $given['share-url'] );
		}
		if ( isset( $given['share-text'] ) ) {
			$attributes['share-text'] = self::text( $given['share-text'], 500 );
		}

		$organiser = isset( $given['organiser'] ) ? $given['organiser'] : ( isset( $settings['organiser'] ) ? (string) $settings['organiser'] : '' );
		if ( '' !== trim( $organiser ) ) {
			$attributes['organiser'] = self::text( $organiser, 200 );
		}
		$privacy = isset( $given['privacy-url'] ) ? Appeal_Widget_Urls::http_url( $given['privacy-url'] ) : null;
		if ( null === $privacy && isset( $settings['privacy_url'] ) ) {
			$privacy = Appeal_Widget_Urls::http_url( $settings['privacy_url'] );
		}
		if ( null !== $privacy ) {
			$attributes['privacy-url'] = $privacy;
		}
		if ( isset( $given['consent'] ) && in_array( $given['consent'], array( 'checkbox', 'radio', 'none' ), true ) ) {
			$attributes['consent'] = $given['consent'];
		}

		// Named explicitly, so an optimiser that moves or merges the script cannot lose the locales.
		$assets = Appeal_Widget_Urls::http_url( $assets_url );
		if ( null !== $assets ) {
			$attributes['assets-url'] = $assets;
		}

		return array(
			'attributes' => $attributes,
			'problem'    => '',
		);
	}

	/**
	 * The `<appeal-widget>` element with `$attributes`, each escaped for its kind (URLs through
	 * esc_url with http and https only, the rest through esc_attr).
	 *
	 * @param array<string,string> $attributes What resolve() returned.
	 * @return string
	 */
	public static function element( array $attributes ) {
		$html = '<appeal-widget';
		foreach ( $attributes as $name => $value ) {
			if ( ! in_array( $name, self::OPTIONS, true ) && 'assets-url' !== $name ) {
				continue;
			}
			$escaped = self::is_url( $name ) ? esc_url( $value, array( 'https', 'http' ) ) : esc_attr( $value );
			if ( '' === $escaped ) {
				continue;
			}
			$html .= ' ' . $name . '="' . $escaped . '"';
		}
		return $html . '></appeal-widget>';
	}

	/**
	 * Whether the attribute `$name` holds a URL.
	 *
	 * @param string $name An element attribute.
	 * @return bool
	 */
	private static function is_url( $name ) {
		return in_array( $name, array( 'endpoint', 'campaign-url', 'count-url', 'share-url', 'privacy-url', 'assets-url' ), true );
	}

	/**
	 * Plain text for an attribute: control characters out, at most `$max` characters.
	 *
	 * @param string $value Text.
	 * @param int    $max   Longest length kept.
	 * @return string
	 */
	private static function text( $value, $max ) {
		$value = (string) preg_replace( '/[\x00-\x1f\x7f]+/u', ' ', $value );
		if ( function_exists( 'mb_substr' ) ) {
			return trim( mb_substr( $value, 0, $max, 'UTF-8' ) );
		}
		return trim( substr( $value, 0, $max ) );
	}

	/**
	 * A comma-separated list kept to the names in `$known`, in the author's order, once each.
	 *
	 * @param string   $value    What the author typed.
	 * @param string[] $known    The names the widget knows.
	 * @param bool     $required Whether a trailing `*` (required field) is allowed.
	 * @return string
	 */
	private static function names( $value, array $known, $required ) {
		$kept = array();
		$seen = array();
		foreach ( explode( ',', strtolower( $value ) ) as $item ) {
			$item = trim( $item );
			$star = $required && '*' === substr( $item, -1 );
			$name = $star ? substr( $item, 0, -1 ) : $item;
			if ( in_array( $name, $known, true ) && ! isset( $seen[ $name ] ) ) {
				$seen[ $name ] = true;
				$kept[]        = $name . ( $star ? '*' : '' );
			}
		}
		return implode( ',', $kept );
	}
}
