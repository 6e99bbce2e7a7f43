// The Homebrew formula for a release (for a tap: a repository named
// homebrew-<tap> holding Formula/ccshare.rb). One bare binary per platform,
// chosen with on_macos/on_linux and on_arm/on_intel; only the platforms that
// were built appear.

export interface Artifact {
  /** File name, e.g. ccshare-0.1.0-darwin-arm64. */
  name: string;
  os: string;
  arch: string;
  sha256: string;
}

/** https://github.com/OWNER/REPO/releases/download/v1 -> https://github.com/OWNER/REPO */
function homepage(baseUrl: string): string {
  return /^(https:\/\/github\.com\/[^/]+\/[^/]+)\/releases\//.exec(baseUrl)?.[1] ?? baseUrl;
}

const rubyString = (text: string) => JSON.stringify(text).replace(/#\{/g, "\\#{");

export function homebrewFormula(o: { version: string; baseUrl: string; artifacts: Artifact[] }): string {
  const block = (os: string, macro: string) => {
    const inner = [
      ["arm64", "on_arm"],
      ["x64", "on_intel"],
    ].flatMap(([arch, cpu]) => {
      const a = o.artifacts.find((x) => x.os === os && x.arch === arch);
      if (!a) return [];
      return [`    ${cpu} do`, `      url ${rubyString(`${o.baseUrl}/${a.name}`)}`, `      sha256 ${rubyString(a.sha256)}`, `    end`];
    });
    return inner.length ? [`  ${macro} do`, ...inner, `  end`, ``] : [];
  };
  return [
    `# Homebrew formula for ccshare ${o.version}, written by \`make release\`.`,
    `# Publish it in a tap (a repository named homebrew-<tap>, as Formula/ccshare.rb), then:`,
    `#   brew install <owner>/<tap>/ccshare`,
    `class Ccshare < Formula`,
    `  desc "Share Claude Code sessions, end-to-end encrypted"`,
    `  homepage ${rubyString(homepage(o.baseUrl))}`,
    `  version ${rubyString(o.version)}`,
    `  license "MIT"`,
    ``,
    ...block("darwin", "on_macos"),
    ...block("linux", "on_linux"),
    `  def install`,
    `    # A bare binary, not an archive: Homebrew downloads it under its own name.`,
    `    bin.install Dir["ccshare-*"].first => "ccshare"`,
    `    generate_completions_from_executable(bin/"ccshare", "completion")`,
    `  end`,
    ``,
    `  test do`,
    `    assert_match version.to_s, shell_output("#{bin}/ccshare --version")`,
    `  end`,
    `end`,
    ``,
  ].join("\n");
}
