export interface PotEntry {
  msgid: string;
  msgctxt?: string;
  msgid_plural?: string;
  references: string[];
  comments: string[];
}
export declare function extractStrings(files: { path: string; text: string }[], domain: string): PotEntry[];
export declare function formatPot(entries: PotEntry[], meta: { project: string; version: string; domain: string }): string;
