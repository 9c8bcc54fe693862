// `make seed`: the customers a seed run creates, and the Idempotency-Key each is sent with. Pure and deterministic:
// customer i is the same person with the same key on every run and every machine, so a second run replays the
// first run's 201s (within the keys' 24 h) or meets its emails (409 after that) and creates nothing new.
import { createHash } from 'node:crypto';

export interface SeedCustomer {
  readonly firstname: string;
  readonly lastname: string;
  readonly email: string;
  readonly idempotencyKey: string;
}

// Names from many places, some with letters beyond ASCII, as a real customer list has them.
const FIRST_NAMES = [
  'Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'Radia',
  'Tim', 'Hedy', 'Guido', 'Sophie', 'Yukihiro', 'Anita', 'Bjarne', 'Joan', 'José', 'Zoë', 'Søren', 'Amélie', 'Łukasz',
  'Chiamaka', 'Mei', 'Aarav', 'Fatima', 'Mateo', 'Ingrid', 'Kwame', 'Nadia', 'Tomás', 'Yuki', 'Oluwaseun', 'Ana',
  'Björn', 'Priya', 'Hiroshi',
];
const LAST_NAMES = [
  'Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen',
  'Dijkstra', 'Perlman', 'Berners-Lee', 'Lamarr', 'van Rossum', 'Wilson', 'Matsumoto', 'Borg', 'Stroustrup', 'Clarke',
  'García', 'Müller', 'Kierkegaard', 'Dubois', 'Nowak', 'Okafor', 'Chen', 'Sharma', 'Haddad', 'Fernández', 'Larsen',
  'Mensah', 'Petrova', 'Silva', 'Tanaka', 'Adeyemi', 'Costa', 'Lindqvist', 'Iyer', "O'Brien",
];

/** The reserved example domain (RFC 2606): seed mail never reaches anyone. */
const DOMAIN = 'example.com';

/** The email's local part: letters without accents, lower case, other characters dropped. */
const mailName = (name: string) =>
  name.normalize('NFD').replace(/\p{M}/gu, '').replace('ł', 'l').replace('Ł', 'L').replace('ø', 'o').replace('Ø', 'O')
    .toLowerCase().replace(/[^a-z0-9]/g, '');

/** Customer number `index` (0-based) of every seed run. */
export function seedCustomer(index: number): SeedCustomer {
  const digest = createHash('sha256').update(`customers-api seed ${index}`).digest();
  const firstname = FIRST_NAMES[digest.readUInt16BE(0) % FIRST_NAMES.length];
  const lastname = LAST_NAMES[digest.readUInt16BE(2) % LAST_NAMES.length];
  return {
    firstname,
    lastname,
    // The index keeps every email unique however the names repeat.
    email: `${mailName(firstname)}.${mailName(lastname)}.${index + 1}@${DOMAIN}`,
    // 1-64 of A-Z a-z 0-9 _ - (service/src/request.ts); versioned, so a later change of the lists can start afresh.
    idempotencyKey: `seed-v1-${index + 1}`,
  };
}

export const seedCustomers = (count: number): SeedCustomer[] => Array.from({ length: count }, (_, index) => seedCustomer(index));

export type SeedOutcome = 'created' | 'replayed' | 'existing' | 'failed';

/**
 * What one answer means. A replay is the first run's stored 201, so its createdAt is older than this run; a 409 is an
 * email a customer already has (a seed key expired after 24 h, or the customer came another way).
 */
export function classifySeedAnswer(status: number, createdAt: unknown, runStartedAt: Date): SeedOutcome {
  if (status === 409) return 'existing';
  if (status !== 201) return 'failed';
  const at = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
  return Number.isFinite(at) && at < runStartedAt.getTime() ? 'replayed' : 'created';
}
