/**
 * A storage's rules for file and folder names. Each storage declares its own in its folder
 * (storage/<cloud>/names.ts, listed by the registry as `names`); sync/names.ts applies them.
 */
export interface NameRules {
	/** Characters the storage refuses in a name (a global expression): each becomes "_". */
	illegal: RegExp;
	trimTrailingDotsAndSpaces: boolean;
	trimLeadingSpaces: boolean;
	/** Windows device names ("con", "lpt1.txt") are refused. */
	windowsReserved: boolean;
	/** OneDrive's own refusals (".lock", "desktop.ini", "_vti_"). */
	oneDriveRules: boolean;
	maxLength: number;
	/** How length is counted: UTF-16 code units (cloud APIs) or UTF-8 bytes (file systems). */
	lengthUnit: 'utf16' | 'utf8';
	/** Whole relative path limit, if the provider has one. */
	maxPathLength?: number;
}

/** The characters Windows refuses in a name, for the storages that follow Windows' rules. */
export const WINDOWS_ILLEGAL = /["*:<>?/\\|]/g;
