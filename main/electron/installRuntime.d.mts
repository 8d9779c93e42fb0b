export declare function lockedElectronVersion(root?: string): string;
export declare function firstReason(output: string | null | undefined): string;
