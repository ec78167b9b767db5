package io.consentsync.store;

/**
 * This instance's claim on a contact: the right to deliver its events until the lease runs out. {@code fence} grows
 * with every new claim on the contact, so a holder that stalled past its lease and lost the contact cannot record
 * anything for it afterwards: every write of outcomes and field states checks that the claim still holds this fence.
 */
public record Claim(String contactKey, long fence) {
}
