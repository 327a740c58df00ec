<?php
/**
 * The editor script's dependencies: WordPress's own packages, and the widget for the live preview.
 *
 * @package AppealWidget
 */

return array(
	'dependencies' => array( 'wp-blocks', 'wp-element', 'wp-block-editor', 'wp-components', 'wp-i18n', 'wp-server-side-render', 'appeal-widget' ),
	'version'      => '0.0.0-dev',
);
