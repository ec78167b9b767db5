package io.consentsync.dotdigital;

/**
 * Dotdigital's answer gave no usable contact id (missing, not a number, not a whole positive number), so a list
 * cannot be left ({@code DELETE /v2/address-books/{id}/contacts/{contactId}} needs it). Asking again gets the same
 * answer: the delivery error handler never redelivers it and the events are dead at once (reason code
 * {@code no_contact_id}).
 */
public class NoContactIdException extends RuntimeException {
    public NoContactIdException(String message) {
        super(message);
    }
}
