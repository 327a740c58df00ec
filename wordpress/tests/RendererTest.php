<?php
/**
 * The renderer: what an author may set, and the element's escaping.
 *
 * @package AppealWidget
 */

use PHPUnit\Framework\TestCase;

final class RendererTest extends TestCase {

	const ASSETS = 'https://blog.example/wp-content/plugins/appeal-widget/widget/';

	private function settings( array $changes = array() ) {
		return array_merge(
			array(
				'endpoint'          => 'https://receiver.example/api/signatures',
				'campaign_url'      => 'https://receiver.example/api/campaigns/{campaign}',
				'organiser'         => 'the Demo Union',
				'privacy_url'       => 'https://blog.example/privacy/',
				'allowed_endpoints' => "https://other.example/api/signatures",
			),
			$changes
		);
	}

	/** The attributes of the one element in `$html`, read back by PHP's own HTML parser. */
	private function parsed( $html ) {
		$document = new DOMDocument();
		$this->assertTrue( @$document->loadHTML( '<!doctype html><html><body>' . $html . '</body></html>' ) );
		$body = $document->getElementsByTagName( 'body' )->item( 0 );
		$this->assertSame( 1, $body->childNodes->length, 'exactly one element: ' . $html );
		$element = $body->firstChild;
		$this->assertSame( 'appeal-widget', $element->nodeName );
		$this->assertSame( 0, $element->childNodes->length, 'no content injected: ' . $html );
		$attributes = array();
		foreach ( $element->attributes as $attribute ) {
			$attributes[ $attribute->name ] = $attribute->value;
		}
		return $attributes;
	}

	public function test_the_block_and_shortcode_spellings_give_the_element_attributes() {
		$result = Appeal_Widget_Renderer::resolve(
			array(
				'campaign'    => 'free-baltabay',
				'lang'        => 'fr',
				'fields'      => 'first-name*, Email*,country,bogus,email',
				'share'       => 'whatsapp,evil,copy',
				'consent'     => 'radio',
				'goal'        => '10000',
				'campaignUrl' => '',
				'share_text'  => 'Signez',
			),
			$this->settings(),
			self::ASSETS
		);
		$this->assertSame( '', $result['problem'] );
		$this->assertSame(
			array(
				'endpoint'     => 'https://receiver.example/api/signatures',
				'campaign'     => 'free-baltabay',
				'campaign-url' => 'https://receiver.example/api/campaigns/free-baltabay',
				'lang'         => 'fr',
				'fields'       => 'first-name*,email*,country',
				'goal'         => '10000',
				'share'        => 'whatsapp,copy',
				'share-text'   => 'Signez',
				'organiser'    => 'the Demo Union',
				'privacy-url'  => 'https://blog.example/privacy/',
				'consent'      => 'radio',
				'assets-url'   => self::ASSETS,
			),
			$result['attributes']
		);
	}

	public function test_an_endpoint_not_allowed_renders_nothing() {
		foreach ( array( 'https://evil.example', 'https://evil.example/api/signatures', 'javascript:alert(1)', '" onmouseover="alert(1)' ) as $endpoint ) {
			$result = Appeal_Widget_Renderer::resolve( array( 'endpoint' => $endpoint ), $this->settings(), self::ASSETS );
			$this->assertSame( 'endpoint-not-allowed', $result['problem'], $endpoint );
			$this->assertSame( array(), $result['attributes'] );
		}
		$allowed = Appeal_Widget_Renderer::resolve( array( 'endpoint' => 'https://other.example/api/signatures' ), $this->settings(), self::ASSETS );
		$this->assertSame( '', $allowed['problem'] );
		$this->assertSame( 'https://other.example/api/signatures', $allowed['attributes']['endpoint'] );
	}

	public function test_without_a_default_endpoint_nothing_renders() {
		$result = Appeal_Widget_Renderer::resolve( array( 'campaign' => 'x' ), $this->settings( array( 'endpoint' => '' ) ), self::ASSETS );
		$this->assertSame( 'no-endpoint', $result['problem'] );
	}

	public function test_an_author_cannot_bring_a_document_or_counter_from_elsewhere() {
		$result = Appeal_Widget_Renderer::resolve(
			array(
				'campaign_url' => 'https://evil.example/campaign.json',
				'count_url'    => 'https://evil.example/count',
				'share_url'    => 'javascript:alert(1)',
				'privacy_url'  => 'javascript:alert(1)',
			),
			$this->settings( array( 'campaign_url' => '' ) ),
			self::ASSETS
		);
		$this->assertArrayNotHasKey( 'campaign-url', $result['attributes'] );
		$this->assertArrayNotHasKey( 'count-url', $result['attributes'] );
		$this->assertArrayNotHasKey( 'share-url', $result['attributes'] );
		$this->assertSame( 'https://blog.example/privacy/', $result['attributes']['privacy-url'] );

		$fallback = Appeal_Widget_Renderer::resolve( array( 'campaign' => 'x', 'campaign_url' => 'https://evil.example/c.json' ), $this->settings(), self::ASSETS );
		$this->assertSame( 'https://receiver.example/api/campaigns/x', $fallback['attributes']['campaign-url'], "the site's own document stands" );

		$own = Appeal_Widget_Renderer::resolve( array( 'count_url' => 'https://receiver.example/api/campaigns/x/count' ), $this->settings(), self::ASSETS );
		$this->assertSame( 'https://receiver.example/api/campaigns/x/count', $own['attributes']['count-url'] );
	}

	public function test_values_of_the_wrong_shape_are_dropped() {
		$result = Appeal_Widget_Renderer::resolve(
			array(
				'lang'    => 'fr"><script>alert(1)</script>',
				'goal'    => '1e9',
				'consent' => 'maybe',
				'format'  => 'xml',
				'fields'  => 'bogus',
				'onclick' => 'alert(1)',
			),
			$this->settings(),
			self::ASSETS
		);
		foreach ( array( 'lang', 'goal', 'consent', 'format', 'fields', 'onclick' ) as $name ) {
			$this->assertArrayNotHasKey( $name, $result['attributes'], $name );
		}
	}

	public function test_the_element_escapes_every_attribute() {
		$evil   = '"><script>alert(1)</script><img src=x onerror=alert(2)> \' onmouseover=\'alert(3)';
		$result = Appeal_Widget_Renderer::resolve(
			array(
				'campaign'   => $evil,
				'organiser'  => $evil,
				'share_text' => "line\nbreak " . $evil,
			),
			$this->settings(),
			self::ASSETS
		);
		$html = Appeal_Widget_Renderer::element( $result['attributes'] );
		$this->assertStringNotContainsString( '<script', $html );
		$this->assertStringNotContainsString( '<img', $html );
		$attributes = $this->parsed( $html );
		$this->assertSame( trim( $evil ), $attributes['campaign'], 'the text survives as text' );
		$this->assertSame( trim( $evil ), $attributes['organiser'] );
		$this->assertSame( 'line break ' . trim( $evil ), $attributes['share-text'] );
		$this->assertArrayNotHasKey( 'onmouseover', $attributes );
		$this->assertArrayNotHasKey( 'onerror', $attributes );
		// The campaign is encoded into the document's URL, not spliced into it.
		$this->assertStringStartsWith( 'https://receiver.example/api/campaigns/%22%3E%3Cscript%3E', $attributes['campaign-url'] );
	}

	public function test_urls_are_escaped_with_http_and_https_only() {
		$html = Appeal_Widget_Renderer::element(
			array(
				'endpoint'    => 'javascript:alert(1)',
				'privacy-url' => 'https://blog.example/privacy/?a=1&b=2',
				'share-url'   => 'data:text/html,x',
				'campaign'    => 'x',
			)
		);
		$attributes = $this->parsed( $html );
		$this->assertArrayNotHasKey( 'endpoint', $attributes );
		$this->assertArrayNotHasKey( 'share-url', $attributes );
		$this->assertSame( 'https://blog.example/privacy/?a=1&b=2', $attributes['privacy-url'] );
		$this->assertStringContainsString( 'privacy-url="https://blog.example/privacy/?a=1&#038;b=2"', $html );
	}

	public function test_unknown_attributes_never_reach_the_element() {
		$attributes = $this->parsed( Appeal_Widget_Renderer::element( array( 'onmouseover' => 'alert(1)', 'campaign' => 'x' ) ) );
		$this->assertSame( array( 'campaign' => 'x' ), $attributes );
	}
}
