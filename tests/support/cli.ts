// Runs the CLI in this process with its output captured (tests/*_test.ts).
import type { CliIO } from "../../src/cli/common.ts";
import { main } from "../../src/cli/main.ts";

export interface CapturedIO extends CliIO {
  stdout: string;
  stderr: string;
}

/** A CliIO that collects stdout and stderr; `options` may change anything else. */
export function captureIO(options: Partial<CliIO> = {}): CapturedIO {
  const io: CapturedIO = {
    stdout: "",
    stderr: "",
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
    errIsTerminal: false,
    columns: 80,
    cwd: Deno.cwd(),
    ...options,
  };
  return io;
}

/** Runs `main(args)`; resolves to its exit code and what it printed. */
export async function runCli(
  args: string[],
  options: Partial<CliIO> = {},
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(options);
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}
