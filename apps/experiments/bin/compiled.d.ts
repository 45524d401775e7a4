/**
 * The compiled CLI's path when it and every package it uses are built from the current sources,
 * else undefined. `app` is the experiments app's folder (default: this one).
 */
export function currentCompiledCli(app?: string): string | undefined;
