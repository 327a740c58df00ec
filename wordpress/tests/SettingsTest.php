<?php
/**
 * The settings sanitiser.
 *
 * @package AppealWidget
 */

use PHPUnit\Framework\TestCase;

final class SettingsTest extends TestCase {

	public function test_good_values_are_kept_normalised() {
		$result = Appeal_Widget_Settings::clean(
			array(
				'endpoint'          => ' https://Receiver.example/api/signatures ',
				'campaign_url'      => 'https://receiver.example/api/campaigns/{campaign}',
				'organiser'         => 'the <b>Demo</b> Union',
				'privacy_url'       => '',
				'allowed_endpoints' => "https://a.example/sign\r\n\r\nhttps://A.example/sign\nhttp://b.example:8080/x",
			)
		);
		$this->assertSame( array(), $result['problems'] );
		$this->assertSame(
			array(
				'endpoint'          => 'https://receiver.example/api/signatures',
				'campaign_url'      => 'https://receiver.example/api/campaigns/{campaign}',
				'organiser'         => 'the Demo Union',
				'privacy_url'       => '',
				'allowed_endpoints' => "https://a.example/sign\nhttp://b.example:8080/x",
			),
			$result['values']
		);
	}

	public function test_bad_values_are_refused_and_reported() {
		$result = Appeal_Widget_Settings::clean(
			array(
				'endpoint'          => 'javascript:alert(1)',
				'campaign_url'      => '/relative',
				'privacy_url'       => 'data:text/html,x',
				'organiser'         => "a\x07b",
				'allowed_endpoints' => "https://ok.example/sign\nnot a url\njavascript:alert(1)",
			)
		);
		$this->assertSame( '', $result['values']['endpoint'] );
		$this->assertSame( '', $result['values']['campaign_url'] );
		$this->assertSame( '', $result['values']['privacy_url'] );
		$this->assertSame( 'a b', $result['values']['organiser'] );
		$this->assertSame( 'https://ok.example/sign', $result['values']['allowed_endpoints'] );
		$fields = array_map(
			function ( $problem ) {
				return $problem[0];
			},
			$result['problems']
		);
		$this->assertSame( array( 'endpoint', 'campaign_url', 'privacy_url', 'allowed_endpoints', 'allowed_endpoints' ), $fields );
	}

	public function test_anything_but_an_array_gives_the_defaults() {
		foreach ( array( null, 'x', 42 ) as $input ) {
			$result = Appeal_Widget_Settings::clean( $input );
			$this->assertSame( Appeal_Widget_Settings::defaults(), $result['values'] );
		}
		$result = Appeal_Widget_Settings::clean( array( 'endpoint' => array( 'https://a.example/' ), 'unknown' => 'x' ) );
		$this->assertSame( Appeal_Widget_Settings::defaults(), $result['values'] );
	}

	public function test_the_organiser_is_cut_to_200_characters() {
		$result = Appeal_Widget_Settings::clean( array( 'organiser' => str_repeat( 'é', 300 ) ) );
		$this->assertSame( 200, mb_strlen( $result['values']['organiser'], 'UTF-8' ) );
	}
}
