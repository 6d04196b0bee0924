import type { NameRules } from '../../types/nameRules';

/** Drive takes any name; only "/" matters, as our path separator. */
export const GOOGLE_DRIVE_NAMES: NameRules = {
	illegal: /\//g,
	trimTrailingDotsAndSpaces: false,
	trimLeadingSpaces: false,
	windowsReserved: false,
	maxLength: 255,
	lengthUnit: 'utf16',
};
