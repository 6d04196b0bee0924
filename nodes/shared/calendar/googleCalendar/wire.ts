import type { CloudWire } from '../../transport/transport';
import { GOOGLE_API_HOSTS, googleShouldRetry } from '../../storage/googleDrive/wire';

/**
 * Calendar is a Google API like Drive: the same origin and the same 403 rate-limit rule (declared once, with Drive).
 */
export const GOOGLE_CALENDAR_WIRE: CloudWire = {
	name: 'googleCalendar',
	hosts: GOOGLE_API_HOSTS,
	shouldRetry: googleShouldRetry,
};
