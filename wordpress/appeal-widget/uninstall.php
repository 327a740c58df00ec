<?php
/**
 * Removes the plugin's settings when it is deleted from the Plugins screen: on every site of a
 * multisite network, since each keeps its own.
 *
 * @package AppealWidget
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $appeal_widget_site ) {
		switch_to_blog( (int) $appeal_widget_site );
		delete_option( 'appeal_widget_settings' );
		restore_current_blog();
	}
} else {
	delete_option( 'appeal_widget_settings' );
}
