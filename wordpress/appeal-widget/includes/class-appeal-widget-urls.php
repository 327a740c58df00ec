<?php
/**
 * URL rules of the plugin: which values count as http(s) URLs, and which endpoints an author may
 * point a widget at. Pure PHP, no WordPress call, so the unit tests run them without a site.
 *
 * @package AppealWidget
 */

defined( 'ABSPATH' ) || exit;

/**
 * URL checks shared by the renderer and the settings sanitiser.
 */
final class Appeal_Widget_Urls {

	/**
	 * The absolute http(s) URL `$value` names, normalised (scheme and host lower case, the scheme's
	 * default port dropped), or null for anything else: other schemes (javascript:, data:), relative
	 * paths, credentials, whitespace or control characters inside.
	 *
	 * @param mixed $value What an author or an administrator typed.
	 * @return string|null
	 */
	public static function http_url( $value ) {
		if ( ! is_string( $value ) ) {
			return null;
		}
		$value = trim( $value );
		// A browser strips tabs and line breaks out of URLs, so "java\tscript:" would still run: refuse them all.
		if ( '' === $value || strlen( $value ) > 2048 || preg_match( '/[\x00-\x20\x7f"<>\\\\`]/', $value ) ) {
			return null;
		}
		$parts = parse_url( $value );
		if ( ! is_array( $parts ) || empty( $parts['scheme'] ) || empty( $parts['host'] ) ) {
			return null;
		}
		$scheme = strtolower( $parts['scheme'] );
		if ( 'https' !== $scheme && 'http' !== $scheme ) {
			return null;
		}
		// user:password@ in a URL is a phishing device, never needed by a widget.
		if ( isset( $parts['user'] ) || isset( $parts['pass'] ) ) {
			return null;
		}
		if ( ! preg_match( '/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$|^\[[0-9a-f:.]+\]$/i', $parts['host'] ) ) {
			return null;
		}
		$url = $scheme . '://' . strtolower( $parts['host'] );
		if ( isset( $parts['port'] ) && ! ( ( 'https' === $scheme && 443 === $parts['port'] ) || ( 'http' === $scheme && 80 === $parts['port'] ) ) ) {
			$url .= ':' . $parts['port'];
		}
		$url .= isset( $parts['path'] ) && '' !== $parts['path'] ? $parts['path'] : '/';
		if ( isset( $parts['query'] ) ) {
			$url .= '?' . $parts['query'];
		}
		if ( isset( $parts['fragment'] ) ) {
			$url .= '#' . $parts['fragment'];
		}
		return $url;
	}

	/**
	 * The origin (scheme://host[:port]) of a URL `http_url` accepted.
	 *
	 * @param string $url A normalised http(s) URL.
	 * @return string
	 */
	public static function origin( $url ) {
		return (string) preg_replace( '#^(https?://[^/?\#]+).*$#', '$1', $url );
	}

	/**
	 * The allowed endpoints typed one per line, each normalised; lines that are not http(s) URLs
	 * are left out (the settings sanitiser reports them).
	 *
	 * @param string|array $lines The setting's text, or a list.
	 * @return string[]
	 */
	public static function endpoint_list( $lines ) {
		$items = is_array( $lines ) ? $lines : preg_split( '/\r\n|\r|\n/', (string) $lines );
		$list  = array();
		foreach ( $items as $line ) {
			$url = self::http_url( $line );
			if ( null !== $url && ! in_array( $url, $list, true ) ) {
				$list[] = $url;
			}
		}
		return $list;
	}

	/**
	 * Whether `$endpoint` is the default endpoint or one the administrator allowed. Exact URLs,
	 * compared normalised: allowing https://a.example/api/signatures allows nothing else on that host.
	 *
	 * @param string   $endpoint The endpoint a block or shortcode asks for.
	 * @param string   $default  The default endpoint from the settings ('' when unset).
	 * @param string[] $allowed  The allowed endpoints from the settings.
	 * @return bool
	 */
	public static function endpoint_allowed( $endpoint, $default, array $allowed ) {
		$url = self::http_url( $endpoint );
		if ( null === $url ) {
			return false;
		}
		$permitted = self::endpoint_list( array_merge( array( $default ), $allowed ) );
		return in_array( $url, $permitted, true );
	}

	/**
	 * Whether a document or counter URL an author gave is served by a host the administrator
	 * trusts: the origin of the default endpoint, of an allowed endpoint, or of the configured
	 * campaign document. A campaign document carries the letter and its addresses, so an author
	 * must not swap in one from anywhere.
	 *
	 * @param string   $url       The URL the author gave.
	 * @param string[] $trusted   URLs whose origins are trusted.
	 * @return bool
	 */
	public static function origin_trusted( $url, array $trusted ) {
		$url = self::http_url( $url );
		if ( null === $url ) {
			return false;
		}
		foreach ( self::endpoint_list( $trusted ) as $known ) {
			if ( self::origin( $known ) === self::origin( $url ) ) {
				return true;
			}
		}
		return false;
	}
}
