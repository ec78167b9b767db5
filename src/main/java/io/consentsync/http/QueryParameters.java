package io.consentsync.http;

/** Query parameters the admin API reads the same way on every endpoint. */
public final class QueryParameters {

    private QueryParameters() {
    }

    /**
     * The {@code limit} parameter: {@code whenAbsent} when absent or empty, otherwise a whole number from 1 to
     * {@code max} in ASCII digits; anything else (a sign, a space, other digits) is a 400 with {@code error} naming the
     * field {@code limit}.
     */
    public static int limit(String value, int whenAbsent, int max, String error) {
        if (value == null || value.isEmpty()) {
            return whenAbsent;
        }
        // ASCII digits only: Java's parseInt also takes "+5" and other scripts' digits (found outside)
        int limit = value.matches("[0-9]{1,9}") ? Integer.parseInt(value) : -1;
        if (limit < 1 || limit > max) {
            throw new RejectedRequestException(400, error, "limit", "limit must be a whole number from 1 to " + max);
        }
        return limit;
    }
}
