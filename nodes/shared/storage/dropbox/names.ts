import type { NameRules } from '../../types/nameRules';

/** Dropbox refuses "/" and "\" in a name and trailing dots and spaces. */
export const DROPBOX_NAMES: NameRules = {
	illegal: /[/\\]/g,
	trimTrailingDotsAndSpaces: true,
	trimLeadingSpaces: false,
	windowsReserved: false,
	maxLength: 255,
	lengthUnit: 'utf16',
};
