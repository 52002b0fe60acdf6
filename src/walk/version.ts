/**
 * The package version, taken from package.json at build time (tsup and vitest inline the JSON
 * import), so the CLI's `--version`, SARIF output and the cache's validity check never drift
 * from the published version.
 */
import { version } from '../../package.json';

/** Version of this cardhound build. */
export const TOOL_VERSION: string = version;
