import { GOOGLE_CALENDAR_WIRE } from '../../nodes/shared/calendar/googleCalendar/wire';
import { STORAGE_WIRE } from '../../nodes/shared/storage/registry';

/** For tests and benchmarks that name a cloud: what its folder hands the transport (hosts, retry rules). */
export const CLOUD_WIRES = { ...STORAGE_WIRE, googleCalendar: GOOGLE_CALENDAR_WIRE };

export type CloudName = keyof typeof CLOUD_WIRES;
