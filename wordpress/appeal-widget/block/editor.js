/**
 * The Appeal widget block in the editor: its settings in the sidebar and a preview. Plain
 * JavaScript on WordPress's globals (wp.blocks, wp.element, …), so the plugin needs no build tool.
 *
 * The preview is the server's own rendering (the same PHP as the page), brought to life by the
 * widget's script where the editor runs in this document. Where the editor canvas is an iframe the
 * script does not reach, a placeholder says what the page will show instead.
 */
( function ( wp ) {
	'use strict';

	var el = wp.element.createElement;
	var useRef = wp.element.useRef;
	var useState = wp.element.useState;
	var useEffect = wp.element.useEffect;
	var __ = wp.i18n.__;
	var sprintf = wp.i18n.sprintf;
	var blockEditor = wp.blockEditor;
	var components = wp.components;
	var ServerSideRender = wp.serverSideRender;
	var data = window.appealWidgetEditor || { languages: [], hasEndpoint: true, settingsUrl: '' };

	var CONSENT = [
		{ value: '', label: __( 'Tick box, unticked (default)', 'appeal-widget' ) },
		{ value: 'radio', label: __( 'Yes / no, an answer required', 'appeal-widget' ) },
		{ value: 'none', label: __( 'Do not ask', 'appeal-widget' ) },
	];

	function languageOptions() {
		var options = [ { value: '', label: __( "The reader's language", 'appeal-widget' ) } ];
		var names = typeof Intl !== 'undefined' && Intl.DisplayNames ? new Intl.DisplayNames( [ document.documentElement.lang || 'en' ], { type: 'language' } ) : null;
		data.languages.forEach( function ( code ) {
			var name = code;
			try {
				name = names ? names.of( code ) + ' (' + code + ')' : code;
			} catch ( error ) {
				// An unknown code keeps its code as its name.
			}
			options.push( { value: code, label: name } );
		} );
		return options;
	}

	/** Whether the widget's element is defined in the document that holds `node` (not so in an iframed canvas). */
	function widgetDefinedFor( node ) {
		var view = node && node.ownerDocument && node.ownerDocument.defaultView;
		return !! ( view && view.customElements && view.customElements.get( 'appeal-widget' ) );
	}

	function Placeholder( props ) {
		return el(
			components.Placeholder,
			{ icon: 'megaphone', label: __( 'Appeal widget', 'appeal-widget' ), instructions: props.instructions },
			props.children
		);
	}

	function Preview( props ) {
		var ref = useRef( null );
		var live = useState( true );
		var attributes = props.attributes;
		var key = JSON.stringify( attributes );
		// What the preview shows: the attributes once typing has paused. Each new set mounts a fresh
		// server rendering (keyed by it), as WordPress 6.1's ServerSideRender can drop a change made
		// while the editor re-renders.
		var shown = useState( attributes );
		useEffect( function () {
			live[ 1 ]( widgetDefinedFor( ref.current ) );
		}, [] );
		useEffect( function () {
			var timer = setTimeout( function () {
				shown[ 1 ]( attributes );
			}, 600 );
			return function () {
				clearTimeout( timer );
			};
		}, [ key ] );
		if ( ! attributes.campaign && ! attributes.campaignUrl ) {
			return el( 'div', { ref: ref }, el( Placeholder, {
				instructions: __( 'Name the campaign in the block settings (the sidebar) to show the appeal and its form here.', 'appeal-widget' ),
			} ) );
		}
		if ( ! live[ 0 ] ) {
			return el( 'div', { ref: ref }, el( Placeholder, {
				/* translators: %s: the campaign's identifier. */
				instructions: sprintf( __( 'The appeal of campaign "%s" shows here on the published page. This editor view cannot run it; open the preview to see it.', 'appeal-widget' ), attributes.campaign ),
			} ) );
		}
		return el( 'div', { ref: ref, className: 'appeal-widget-editor-preview' }, el( ServerSideRender, {
			key: JSON.stringify( shown[ 0 ] ),
			block: 'appeal-widget/appeal',
			attributes: shown[ 0 ],
		} ) );
	}

	function text( props, key, label, help ) {
		return el( components.TextControl, {
			label: label,
			help: help,
			value: props.attributes[ key ] || '',
			onChange: function ( value ) {
				var change = {};
				change[ key ] = value;
				props.setAttributes( change );
			},
		} );
	}

	function Edit( props ) {
		var attributes = props.attributes;
		var settings = el(
			blockEditor.InspectorControls,
			null,
			el(
				components.PanelBody,
				{ title: __( 'Campaign', 'appeal-widget' ), initialOpen: true },
				text( props, 'campaign', __( 'Campaign', 'appeal-widget' ), __( 'The campaign identifier from the organisers, for example free-baltabay.', 'appeal-widget' ) ),
				el( components.SelectControl, {
					label: __( 'Language', 'appeal-widget' ),
					value: attributes.lang || '',
					options: languageOptions(),
					onChange: function ( value ) {
						props.setAttributes( { lang: value } );
					},
				} ),
				text( props, 'fields', __( 'Fields', 'appeal-widget' ), __( 'In order, separated by commas; * makes one required. Empty: first-name*,last-name*,email*,country*. Others: name, postcode, organisation, phone, comment.', 'appeal-widget' ) ),
				text( props, 'share', __( 'Share channels', 'appeal-widget' ), __( 'In order, separated by commas, from whatsapp, facebook, x, bluesky, telegram, mastodon, linkedin, reddit, email, copy. Empty: the usual set.', 'appeal-widget' ) ),
				el( components.SelectControl, {
					label: __( 'Consent question', 'appeal-widget' ),
					value: attributes.consent || '',
					options: CONSENT,
					onChange: function ( value ) {
						props.setAttributes( { consent: value } );
					},
				} ),
				text( props, 'goal', __( 'Goal', 'appeal-widget' ), __( 'The number of signatures the progress bar aims at. Empty: the campaign document\'s.', 'appeal-widget' ) )
			),
			el(
				components.PanelBody,
				{ title: __( 'Advanced', 'appeal-widget' ), initialOpen: false },
				text( props, 'endpoint', __( 'Endpoint', 'appeal-widget' ), __( 'Empty: the site\'s default endpoint. Another endpoint must be one the administrator allowed.', 'appeal-widget' ) ),
				text( props, 'campaignUrl', __( 'Campaign document', 'appeal-widget' ), __( 'Empty: the one set under Settings > Appeal widget.', 'appeal-widget' ) )
			)
		);
		var notice = ! data.hasEndpoint ? el( components.Notice, { status: 'warning', isDismissible: false }, __( 'No endpoint is set for this site yet: set one under Settings > Appeal widget.', 'appeal-widget' ) ) : null;
		return el( 'div', blockEditor.useBlockProps(), settings, notice, el( Preview, { attributes: attributes } ) );
	}

	wp.blocks.registerBlockType( 'appeal-widget/appeal', {
		edit: Edit,
		// A dynamic block: the page is made by the server, nothing is saved in the post but the attributes.
		save: function () {
			return null;
		},
	} );
} )( window.wp );
