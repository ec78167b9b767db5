package io.consentsync.didomi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Read-only view of a Didomi webhook envelope {@code {type, parameters, regulation?}} that knows where each
 * event type keeps its entity: {@code parameters.entity} for created/deleted, {@code parameters.new_entity} for updated.
 * A consent event ({@code event.*}) carries the user under {@code user}; a user ({@code user.*}) is the user itself.
 */
public final class DidomiEvent {

    public static final Set<String> KNOWN_TYPES = Set.of(
            "event.created", "event.updated", "event.deleted", "user.created", "user.updated", "user.deleted");

    /** Stored events made by a reconcile run: {@code {"type":"reconcile","parameters":{"entity":<ConsentUser>}}}. */
    public static final String RECONCILE = "reconcile";

    private final JsonNode envelope;

    public DidomiEvent(JsonNode envelope) {
        this.envelope = envelope;
    }

    public JsonNode envelope() {
        return envelope;
    }

    public String type() {
        return envelope.path("type").asText();
    }

    public boolean isKnownType() {
        return KNOWN_TYPES.contains(type());
    }

    public boolean isConsentEvent() {
        return type().startsWith("event.");
    }

    /**
     * A user ({@code user.*}), or a user read from Didomi's consents API by a reconcile run (type
     * {@value #RECONCILE}, entity: the {@code ConsentUser}).
     */
    public boolean isUserEvent() {
        return type().startsWith("user.") || RECONCILE.equals(type());
    }

    /** Where the entity of this type lives, as a JSON path for error messages. */
    public String entityPath() {
        return type().endsWith(".updated") ? "parameters.new_entity" : "parameters.entity";
    }

    public JsonNode entity() {
        return envelope.path("parameters").path(type().endsWith(".updated") ? "new_entity" : "entity");
    }

    /** The Didomi user: {@code entity.user} on consent events, the entity itself on user events. */
    public JsonNode user() {
        return isConsentEvent() ? entity().path("user") : isUserEvent() ? entity() : MissingNode.getInstance();
    }

    public JsonNode consents() {
        return entity().path("consents");
    }

    public String organizationUserId() {
        return text(user().path("organization_user_id"));
    }

    /** Envelope regulation, else the entity's, else GDPR (Didomi's default). */
    public String regulation() {
        String r = text(envelope.path("regulation"));
        if (r == null) {
            r = text(entity().path("regulation"));
        }
        return r == null ? "gdpr" : r;
    }

    /** {@code confirmed} or {@code pending_approval} on consent events; null elsewhere. */
    public String consentStatus() {
        return isConsentEvent() ? text(entity().path("status")) : null;
    }

    /**
     * When the choice was made: a consent event's {@code created_at}, a user's {@code updated_at}; null when absent
     * (the store then uses the time it received the event).
     */
    public java.time.Instant consentTime() {
        String t = text(entity().path(isUserEvent() ? "updated_at" : "created_at"));
        if (t == null && isUserEvent()) {
            t = text(entity().path("created_at"));
        }
        try {
            return t == null ? null : java.time.OffsetDateTime.parse(t).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** The user's {@code version} (tie-break between user states with the same time); 0 for consent events. */
    public long consentVersion() {
        return isUserEvent() ? entity().path("version").asLong(0) : 0;
    }

    /**
     * Identity of the event for de-duplication: consent events by type + event id (+ updated_at for updates),
     * users by type + user id + version (or updated_at). Without ids, a hash of the whole envelope.
     */
    public String dedupKey() {
        JsonNode e = entity();
        String id = text(e.path("id"));
        if (id != null) {
            String revision = isUserEvent() ? firstText(e.path("version"), e.path("updated_at")) : text(e.path("updated_at"));
            if (!isUserEvent() && !type().endsWith(".updated")) {
                revision = null;
            }
            return type() + ":" + id + (revision == null ? "" : ":" + revision);
        }
        return type() + ":sha256:" + sha256(envelope.toString());
    }

    private static String firstText(JsonNode a, JsonNode b) {
        String v = text(a);
        return v != null ? v : text(b);
    }

    static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
