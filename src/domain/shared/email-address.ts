import emailAddresses from 'email-addresses';

/**
 * Exactly one mailbox (`local@host`), parsed by a real RFC 5322/6532 parser (email-addresses):
 * international addresses (`josé@exämple.de`) are kept, while lists (`a,b@x.test`), groups,
 * display names, comments, query strings (`victim@x.com?bcc=...`) and hosts that are not DNS
 * names (`x@example..com`, `x@<b>.example`, `x@localhost`) are refused. Returns the bare
 * address, or undefined when `input` is not one deliverable mailbox.
 */
export function parseMailbox(input: string): string | undefined {
  const text = input.trim();
  if (text.length === 0 || text.length > 320) return undefined;
  const parsed = emailAddresses.parseOneAddress({ input: text, rfc6532: true, rejectTLD: true, simple: false });
  if (!parsed || parsed.type !== 'mailbox' || parsed.name) return undefined;
  const { local, domain, address } = parsed as emailAddresses.ParsedMailbox;
  if (address !== text || !local || !validHost(domain)) return undefined;
  return address;
}

/** A DNS host name: dot-separated labels of letters (any script), digits and inner hyphens, a TLD that is not all digits. */
function validHost(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  const label = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u;
  return labels.every((l) => label.test(l)) && !/^\d+$/.test(labels.at(-1)!);
}
