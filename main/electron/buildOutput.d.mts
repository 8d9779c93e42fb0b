export declare const ROOT: string;
export declare function newestMtimeMs(paths: string[]): number;
export declare const BUILD_PARTS: Record<'renderer' | 'electron' | 'preload', { output: string; sources: string[] }>;
export declare function isBuildStale(root?: string, parts?: Array<'renderer' | 'electron' | 'preload'>): boolean;
export declare function runBuild(root?: string): void;
