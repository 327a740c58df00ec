/** A WebDriver server on 127.0.0.1, with what it needs (an X display for WebKitGTK). */
export interface RunningDriver {
  hostname: string;
  port: number;
  stop(): Promise<void>;
}
export declare const WEBKIT_DRIVER_PATH: string;
export declare const WEBKIT_CAPABILITIES: { browserName: string; 'wdio:enforceWebDriverClassic': true };
export declare function startWebKitDriver(): Promise<RunningDriver>;
export declare const WPE_DRIVER_PATH: string;
export declare const WPE_CAPABILITIES: {
  browserName: string;
  'wdio:enforceWebDriverClassic': true;
  'wpe:browserOptions': { binary: string; args: string[] };
};
export declare function startWpeDriver(): Promise<RunningDriver>;
