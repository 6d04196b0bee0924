import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { GOOGLE_CALENDAR } from './googleCalendar/cloud';
import type { CalendarProvider } from './types';

/** Every calendar service Calendar Sync can use: adding one is adding its folder and one line here. */
export const CALENDAR_CLOUDS = {
	googleCalendar: GOOGLE_CALENDAR,
} as const;

export type CalendarKind = keyof typeof CALENDAR_CLOUDS;

/**
 * The calendar provider of `kind`, speaking through n8n with the node's credential (as createStorage does for files).
 */
export async function createCalendar(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	kind: CalendarKind = 'googleCalendar',
): Promise<CalendarProvider> {
	return await CALENDAR_CLOUDS[kind].open(ctx);
}
