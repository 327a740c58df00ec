<?php
/**
 * The URL rules and the endpoint allow-list.
 *
 * @package AppealWidget
 */

use PHPUnit\Framework\TestCase;

final class UrlsTest extends TestCase {

	public function test_http_and_https_urls_are_kept_normalised() {
		$this->assertSame( 'https://receiver.example/api/signatures', Appeal_Widget_Urls::http_url( ' HTTPS://Receiver.EXAMPLE:443/api/signatures ' ) );
		$this->assertSame( 'http://127.0.0.1:8080/api/signatures', Appeal_Widget_Urls::http_url( 'http://127.0.0.1:8080/api/signatures' ) );
		$this->assertSame( 'https://receiver.example/', Appeal_Widget_Urls::http_url( 'https://receiver.example' ) );
	}

	public function test_other_schemes_and_shapes_are_refused() {
		foreach ( array(
			'javascript:alert(1)',
			'JaVaScRiPt:alert(1)',
			"java\tscript:alert(1)",
			'data:text/html,<script>alert(1)</script>',
			'//receiver.example/api',
			'/api/signatures',
			'ftp://receiver.example/',
			'https://user:pass@receiver.example/',
			'https://receiver.example/" onmouseover="alert(1)',
			'https://receiver.example/<script>',
			"https://receiver.example/\nSet-Cookie: x",
			'https://',
			'https://exa mple.org/',
			'',
		) as $value ) {
			$this->assertNull( Appeal_Widget_Urls::http_url( $value ), $value );
		}
		$this->assertNull( Appeal_Widget_Urls::http_url( array( 'https://receiver.example/' ) ) );
	}

	public function test_the_default_endpoint_is_always_allowed() {
		$this->assertTrue( Appeal_Widget_Urls::endpoint_allowed( 'https://receiver.example/api/signatures', 'https://receiver.example/api/signatures', array() ) );
	}

	public function test_allowed_endpoints_are_exact_urls() {
		$allowed = array( 'https://other.example/api/signatures' );
		$default = 'https://receiver.example/api/signatures';
		$this->assertTrue( Appeal_Widget_Urls::endpoint_allowed( 'https://OTHER.example:443/api/signatures', $default, $allowed ) );
		$this->assertFalse( Appeal_Widget_Urls::endpoint_allowed( 'https://other.example/api/signatures/../evil', $default, $allowed ) );
		$this->assertFalse( Appeal_Widget_Urls::endpoint_allowed( 'https://other.example/', $default, $allowed ) );
		$this->assertFalse( Appeal_Widget_Urls::endpoint_allowed( 'https://evil.example/api/signatures', $default, $allowed ) );
		$this->assertFalse( Appeal_Widget_Urls::endpoint_allowed( 'http://other.example/api/signatures', $default, $allowed ) );
		$this->assertFalse( Appeal_Widget_Urls::endpoint_allowed( 'javascript:alert(1)', $default, $allowed ) );
	}

	public function test_nothing_is_allowed_without_settings() {
		$this->assertFalse( Appeal_Widget_Urls::endpoint_allowed( 'https://receiver.example/api/signatures', '', array() ) );
	}

	public function test_the_list_is_read_one_url_per_line() {
		$this->assertSame(
			array( 'https://a.example/api/signatures', 'https://b.example/sign' ),
			Appeal_Widget_Urls::endpoint_list( "https://a.example/api/signatures\r\n\n  not a url\nhttps://b.example/sign\nhttps://A.example/api/signatures" )
		);
	}

	public function test_documents_must_come_from_a_trusted_origin() {
		$trusted = array( 'https://receiver.example/api/signatures' );
		$this->assertTrue( Appeal_Widget_Urls::origin_trusted( 'https://receiver.example/api/campaigns/x', $trusted ) );
		$this->assertFalse( Appeal_Widget_Urls::origin_trusted( 'https://receiver.example.evil.example/api/campaigns/x', $trusted ) );
		$this->assertFalse( Appeal_Widget_Urls::origin_trusted( 'https://receiver.example:8443/x', $trusted ) );
	}
}
