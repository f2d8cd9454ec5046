// Module types wrangler provides at bundle time (wrangler.toml [[rules]]).
declare module "*.nsq" {
  const bytes: ArrayBuffer;
  export default bytes;
}
