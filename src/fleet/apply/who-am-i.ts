/** Who records an approval: the OS user name and the host (`os.userInfo().username@hostname`). */
import { hostname, userInfo } from 'node:os';

export function whoAmI(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return `${user}@${hostname()}`;
}
