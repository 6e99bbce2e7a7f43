// Opens an address in the default browser: xdg-open on Linux and the BSDs,
// open on macOS, start on Windows. A machine with none (a server, a
// container) is fine: the caller has printed the address already.
import { spawn } from "node:child_process";

/** True when the opener started (not whether a browser showed the page). */
export function openBrowser(url: string): Promise<boolean> {
  const [command, ...args] = process.platform === "darwin" ? ["open", url] : process.platform === "win32" ? ["cmd", "/c", "start", '""', url] : ["xdg-open", url];
  return new Promise((resolve) => {
    try {
      const child = spawn(command!, args, { stdio: "ignore", detached: true, windowsHide: true });
      child.once("error", () => resolve(false));
      child.once("spawn", () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
