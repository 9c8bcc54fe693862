import type { NetworkInterfaceInfo } from 'node:os';
import { addressBeside, relayHost } from './relay-address';

const iface = (address: string, netmask: string, internal = false): NetworkInterfaceInfo =>
  ({ address, netmask, family: 'IPv4', internal, mac: '00:00:00:00:00:00', cidr: null }) as NetworkInterfaceInfo;

describe('addressBeside', () => {
  const interfaces = {
    lo: [iface('127.0.0.1', '255.0.0.0', true)],
    eth0: [iface('172.18.0.3', '255.255.0.0')],
    eth1: [iface('10.5.0.7', '255.255.255.0')],
  };

  it('picks the interface in the emulator\'s subnet (the compose network)', () => {
    expect(addressBeside('172.18.0.2', interfaces)).toBe('172.18.0.3');
    expect(addressBeside('10.5.0.20', interfaces)).toBe('10.5.0.7');
  });

  it('finds none for a peer on no shared network, and never offers loopback', () => {
    expect(addressBeside('192.168.1.10', interfaces)).toBeUndefined();
    expect(addressBeside('127.0.0.5', interfaces)).toBeUndefined();
  });
});

describe('relayHost', () => {
  it('is loopback when the emulator is on loopback (host MiniStack)', async () => {
    await expect(relayHost('http://127.0.0.1:4566', {})).resolves.toBe('127.0.0.1');
    await expect(relayHost('http://localhost:4651', {})).resolves.toBe('127.0.0.1');
  });

  it('takes DEBUG_RELAY_HOST as it is', async () => {
    await expect(relayHost('http://emulator:4566', { DEBUG_RELAY_HOST: '10.0.0.9' })).resolves.toBe('10.0.0.9');
  });
});
