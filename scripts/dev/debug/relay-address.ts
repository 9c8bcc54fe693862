// Where the relays reach the local debug process, and so where it listens. On the host (the emulator on loopback:
// MiniStack runs each Lambda as a node process here): 127.0.0.1. In the compose tools container: its own address on
// the network it shares with the emulator, found by resolving the emulator's name and picking this container's
// interface in the same subnet. That address is what both emulators' Lambdas reach by construction: MiniStack runs
// them as processes inside the emulator container, LocalStack in sibling containers it attaches to the network it
// finds itself on (localstack/services/lambda_/networking.py, get_main_container_network_for_lambda), with its own
// DNS server as theirs, so an IP address works where a service name would depend on that DNS forwarding Docker's.
// DEBUG_RELAY_HOST overrides (an address of this machine the functions can reach).
import { lookup } from 'node:dns/promises';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/;

const toNumber = (ip: string): number => ip.split('.').reduce((value, part) => value * 256 + Number(part), 0);

/** This machine's IPv4 address in the same subnet as `peer`, from the interfaces' own netmasks. */
export function addressBeside(peer: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string | undefined {
  const target = toNumber(peer);
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal) continue;
      const mask = toNumber(info.netmask);
      // >>> 0: compare as unsigned 32-bit numbers.
      if (((toNumber(info.address) & mask) >>> 0) === ((target & mask) >>> 0)) return info.address;
    }
  }
  return undefined;
}

export async function relayHost(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const override = env.DEBUG_RELAY_HOST?.trim();
  if (override) return override;
  const emulator = new URL(endpoint ?? 'http://localhost:4566').hostname;
  if (LOOPBACK.test(emulator)) return '127.0.0.1';
  const { address } = await lookup(emulator, { family: 4 });
  const own = addressBeside(address, networkInterfaces());
  if (!own) {
    throw new Error(`no address of this machine shares a subnet with the emulator (${emulator} = ${address}): set DEBUG_RELAY_HOST to one its Lambdas can reach`);
  }
  return own;
}
