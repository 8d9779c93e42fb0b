export declare const CLI_BUNDLE: string;
export declare const CLI_CODE_CACHE: string;
export declare const CLI_SOURCES: string[];
export declare function isCliBundleStale(root?: string): boolean;
export declare function buildCliBundle(root?: string): Promise<string>;
export declare function ensureCliBundle(root?: string): Promise<string>;
export declare function loadCliBundle(root?: string): { exports: Record<string, unknown>; saveCodeCache(): void };
