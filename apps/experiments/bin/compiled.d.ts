/** True when `app` (default: this app's folder) is an installed copy: it sits inside a `node_modules` folder. */
export function isInstalled(app?: string): boolean;
/**
 * The compiled CLI's path when it and every package it uses are built from the current sources,
 * else undefined; an installed copy's `dist/cli/main.js` whenever it exists. `app` is the
 * experiments app's folder (default: this one).
 */
export function currentCompiledCli(app?: string): string | undefined;
