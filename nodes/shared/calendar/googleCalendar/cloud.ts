import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { createTransport } from '../../transport/createTransport';
import type { CalendarProvider } from '../types';
import { GOOGLE_CALENDAR_WIRE } from './wire';

/** Google Calendar as the calendar registry lists it: its credential and how to open it. */
export const GOOGLE_CALENDAR = {
	/** The n8n credential type (a public name: never rename). */
	credential: 'cloudSyncGoogleCalendarOAuth2Api',
	wire: GOOGLE_CALENDAR_WIRE,
	async open(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<CalendarProvider> {
		const transport = await createTransport(ctx, GOOGLE_CALENDAR.credential, GOOGLE_CALENDAR_WIRE);
		// Loaded on first use, like the storage providers.
		const { GoogleCalendarProvider } = await import('./index');
		return new GoogleCalendarProvider(transport);
	},
} as const;
