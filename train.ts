// negsamp's command line: `deno task train --help` (or `deno run -A train.ts --help`).
// With no arguments it trains a demo model on the built-in public domain corpus.
import { main } from "./src/cli/main.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
