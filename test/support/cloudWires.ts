import { GOOGLE_CALENDAR_WIRE } from '../../nodes/shared/calendar/googleCalendar/wire';
import { DROPBOX_WIRE } from '../../nodes/shared/storage/dropbox/wire';
import { GOOGLE_DRIVE_WIRE } from '../../nodes/shared/storage/googleDrive/wire';
import { ONEDRIVE_WIRE } from '../../nodes/shared/storage/oneDrive/wire';

/** For tests and benchmarks that name a cloud: what its folder hands the transport (hosts, retry rules). */
export const CLOUD_WIRES = {
	googleDrive: GOOGLE_DRIVE_WIRE,
	oneDrive: ONEDRIVE_WIRE,
	dropbox: DROPBOX_WIRE,
	googleCalendar: GOOGLE_CALENDAR_WIRE,
};

export type CloudName = keyof typeof CLOUD_WIRES;
