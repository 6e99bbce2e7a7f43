import pkg from "../package.json" with { type: "json" };

// `make build` defines these (Makefile BUILD_FLAGS); from source they are absent.
declare const __CCSHARE_VERSION__: string | undefined;
declare const __CCSHARE_COMMIT__: string | undefined;

export const VERSION: string = typeof __CCSHARE_VERSION__ === "string" ? __CCSHARE_VERSION__ : `${pkg.version}-dev`;
export const COMMIT: string = typeof __CCSHARE_COMMIT__ === "string" ? __CCSHARE_COMMIT__ : "source";
