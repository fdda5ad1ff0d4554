// Types of entry.mjs, which bin.mjs imports before TypeScript can be run.
export declare const BUILD_DIR: string;
export declare const BUILD_MANIFEST: string;
export declare function builtEntry(root: string, env?: Record<string, string | undefined>): string | null;
