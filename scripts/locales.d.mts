export declare const LOCALES_DIR: string;
export declare function localeCodes(): string[];
