// The viewer's stylesheet and script are imported as text (`with { type:
// "text" }`, Bun and Deno alike), so `bun build --compile` puts them in the binary.
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "*/viewer.js" {
  const text: string;
  export default text;
}
