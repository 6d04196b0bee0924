import type { INodeProperties } from 'n8n-workflow';

/**
 * The switch that keeps endpoint overrides out of a builder's way: the API and OAuth base URLs (a proxy, or a local
 * test server) show only when "Custom Endpoints" is on. n8n drops the values of hidden credential fields when it
 * uses a credential, so with the switch off the cloud's own endpoints apply whatever was typed before.
 */
export const CUSTOM_ENDPOINTS_SWITCH: INodeProperties = {
	displayName: 'Custom Endpoints',
	name: 'customEndpoints',
	type: 'boolean',
	default: false,
	description:
		"Whether to send this credential's sign-in and API calls to other addresses (a proxy or a test server). Leave off.",
};

/** Shown only while the switch is on. */
export const WHEN_CUSTOM_ENDPOINTS = { show: { customEndpoints: [true] } };
