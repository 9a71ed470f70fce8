/**
 * Runs the bot: wiring only (filled in below as pieces land).
 */
export async function runService(cmd: string, _argv: string[]): Promise<number> {
  console.error(`liqbot ${cmd}: not available yet`);
  return 1;
}
