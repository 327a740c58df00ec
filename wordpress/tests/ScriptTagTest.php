<?php
/**
 * The script tag's attributes and the optimisers' exclusion lists.
 *
 * @package AppealWidget
 */

use PHPUnit\Framework\TestCase;

final class ScriptTagTest extends TestCase {

	const TAG = "<script src='https://blog.example/wp-content/plugins/appeal-widget/widget/appeal-widget.js?ver=0.1.0' id='appeal-widget-js'></script>\n";

	public function test_the_widget_script_is_deferred_and_marked_for_optimisers() {
		$tag = Appeal_Widget_Plugin::script_tag( self::TAG, 'appeal-widget' );
		$this->assertMatchesRegularExpression( '/^<script data-no-optimize="1" data-no-defer="1" data-no-minify="1" data-cfasync="false" nowprocket defer src=/', $tag );
		$this->assertStringNotContainsString( 'data-endpoint', $tag );
	}

	public function test_a_tag_already_deferred_is_not_deferred_twice() {
		$tag = Appeal_Widget_Plugin::script_tag( str_replace( ' id=', ' defer id=', self::TAG ), 'appeal-widget' );
		$this->assertSame( 1, preg_match_all( '/\sdefer\b/', $tag ) );
	}

	public function test_other_scripts_are_left_alone() {
		$this->assertSame( self::TAG, Appeal_Widget_Plugin::script_tag( self::TAG, 'jquery' ) );
	}

	public function test_each_optimiser_list_gets_the_script_once() {
		Appeal_Widget_Optimisers::register_hooks( 'appeal-widget/widget/appeal-widget.js' );
		$this->assertSame( 'a.js, appeal-widget/widget/appeal-widget.js', Appeal_Widget_Optimisers::exclude_in_string( 'a.js' ) );
		$this->assertSame( 'appeal-widget/widget/appeal-widget.js', Appeal_Widget_Optimisers::exclude_in_string( '' ) );
		$once = Appeal_Widget_Optimisers::exclude_in_list( array( 'a.js' ) );
		$this->assertSame( array( 'a.js', 'appeal-widget/widget/appeal-widget.js' ), Appeal_Widget_Optimisers::exclude_in_list( $once ) );
		$this->assertSame( array( 'appeal-widget/widget/appeal-widget.js' ), apply_filters( 'rocket_delay_js_exclusions', array() ) );
		$this->assertSame( array( 'appeal-widget/widget/appeal-widget.js' ), apply_filters( 'litespeed_optimize_js_excludes', null ) );
	}
}
