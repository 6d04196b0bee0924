import { WINDOWS_ILLEGAL, type NameRules } from '../../types/nameRules';

/** Portable names: Windows' rules too, because the folder may be shared with Windows; lengths in UTF-8 bytes. */
export const LOCAL_FOLDER_NAMES: NameRules = {
	illegal: WINDOWS_ILLEGAL,
	trimTrailingDotsAndSpaces: true,
	trimLeadingSpaces: false,
	windowsReserved: true,
	maxLength: 255,
	lengthUnit: 'utf8',
};
