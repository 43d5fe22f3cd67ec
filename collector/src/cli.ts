import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { UsageError, type Command } from "./command";
import { startMemoryLog } from "./memory-log";

const commandsDir = join(import.meta.dirname, "commands");

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => basename(file, ".ts"))
    .sort();
}

async function loadCommand(name: string): Promise<Command | null> {
  const file = join(commandsDir, `${name}.ts`);
  if (!/^[a-z][a-z-]*$/.test(name) || !existsSync(file)) return null;
  return ((await import(file)) as { default: Command }).default;
}

async function help(): Promise<string> {
  const lines = ["usage: tickscope <command> [options]", "", "commands:"];
  for (const name of commandNames()) lines.push(`  ${name.padEnd(12)} ${(await loadCommand(name))!.summary}`);
  lines.push("", "tickscope <command> --help shows a command's options.");
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(await help());
    return name ? 0 : 2;
  }
  const command = await loadCommand(name);
  if (!command) {
    console.error(`tickscope: unknown command "${name}"\n\n${await help()}`);
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`usage: tickscope ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  const stopMemoryLog = startMemoryLog(name);
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`tickscope ${name}: ${error.message}`);
      return error.status;
    }
    // Anything else is still said in one line; the stack only when asked for.
    if (process.env.TICKSCOPE_DEBUG) throw error;
    console.error(`tickscope ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    stopMemoryLog();
  }
}

process.exitCode = await main(process.argv.slice(2));
