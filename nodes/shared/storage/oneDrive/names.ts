import { NAME_REPLACEMENT, WINDOWS_ILLEGAL, type NameRules } from '../../types/nameRules';

/** Names OneDrive refuses outright. */
const ONEDRIVE_RESERVED = /^(\.lock|desktop\.ini)$/i;
const ONEDRIVE_VTI = /_vti_/gi;

/** OneDrive's own refusals: a leading "~$" (Office lock files), "_vti_" anywhere, ".lock" and "desktop.ini". */
function oneDriveOwnRules(name: string): string {
	let out = name;
	if (out.startsWith('~$')) out = `~${NAME_REPLACEMENT}${out.slice(2)}`;
	// Replacing can expose a new "_vti_" ("_vti__vti_"), so repeat until none is left.
	while (out.toLowerCase().includes('_vti_'))
		out = out.replace(ONEDRIVE_VTI, (match) => `${match.slice(0, 4)}-`);
	if (ONEDRIVE_RESERVED.test(out)) out = `${NAME_REPLACEMENT}${out}`;
	return out;
}

/**
 * OneDrive's name rules: Windows' plus its own. A SharePoint library follows the same rules (support.microsoft.com,
 * "Restrictions and limitations in OneDrive and SharePoint"); its 400-character limit also counts the site's and
 * library's address, which the service checks.
 */
export const GRAPH_DRIVE_NAMES: NameRules = {
	illegal: WINDOWS_ILLEGAL,
	trimTrailingDotsAndSpaces: true,
	trimLeadingSpaces: true,
	windowsReserved: true,
	ownRules: oneDriveOwnRules,
	maxLength: 255,
	lengthUnit: 'utf16',
	maxPathLength: 400,
};
