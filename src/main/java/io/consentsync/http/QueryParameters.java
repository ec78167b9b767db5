package io.consentsync.http;

/** Query parameters the admin API reads the same way on every endpoint. */
public final class QueryParameters {

    private QueryParameters() {
    }

    /**
     * The {@code limit} parameter: {@code whenAbsent} when absent or blank, otherwise a whole number from 1 to
     * {@code max}; anything else is a 400 with {@code error} naming the field {@code limit}.
     */
    public static int limit(String value, int whenAbsent, int max, String error) {
        if (value == null || value.isBlank()) {
            return whenAbsent;
        }
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > max) {
            throw new RejectedRequestException(400, error, "limit", "limit must be a whole number from 1 to " + max);
        }
        return limit;
    }
}
