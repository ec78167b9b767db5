package io.consentsync.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dotdigital account that behaves as its contract says, for channel and list tests: contacts by email
 * (v3 GET and PATCH), lists (v2 GET /v2/address-books/{id}, DELETE .../contacts/{contactId}). What matters here:
 * <ul>
 *   <li>a new contact without {@code channelProperties.email.status} is created <b>subscribed</b>;</li>
 *   <li>{@code status: subscribed} on an unsubscribed or suppressed contact resubscribes it silently, unless
 *   {@code resubscribeOptions.resubscribeWithNoChallenge} is false: then the status stays and a challenge email is
 *   counted ({@link #challengesSent});</li>
 *   <li>{@code lists: [id]} joins a list; the v2 DELETE leaves it, 404 when the contact is not on it.</li>
 * </ul>
 * Used by stubbing with {@code withTransformers(DotdigitalContactsStub.NAME)}; {@link #reset} between tests.
 */
public final class DotdigitalContactsStub implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "dotdigital-contacts";
    public static final DotdigitalContactsStub INSTANCE = new DotdigitalContactsStub();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONTACT = Pattern.compile("/contacts/v3/email/([^?]+)");
    private static final Pattern LIST = Pattern.compile("/v2/address-books/(\\d+)");
    private static final Pattern MEMBER = Pattern.compile("/v2/address-books/(\\d+)/contacts/(\\d+)");

    private final Map<String, ObjectNode> contacts = new LinkedHashMap<>();
    private final Map<Integer, String> lists = new LinkedHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1000);
    private int challenges;

    private DotdigitalContactsStub() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    public synchronized void reset() {
        contacts.clear();
        lists.clear();
        challenges = 0;
    }

    /** A list that exists in the account. */
    public synchronized void addList(int id, String name) {
        lists.put(id, name);
    }

    /** An existing contact with this email channel status, on these lists. */
    public synchronized long addContact(String email, String emailStatus, int... onLists) {
        ObjectNode c = newContact(email);
        ((ObjectNode) c.path("channelProperties").path("email")).put("status", emailStatus);
        for (int id : onLists) {
            addToList(c, id);
        }
        contacts.put(email.toLowerCase(Locale.ROOT), c);
        return c.path("contactId").asLong();
    }

    public synchronized JsonNode contact(String email) {
        ObjectNode c = contacts.get(email.toLowerCase(Locale.ROOT));
        return c == null ? null : c.deepCopy();
    }

    public synchronized String emailStatus(String email) {
        JsonNode c = contact(email);
        return c == null ? null : c.path("channelProperties").path("email").path("status").asText(null);
    }

    public synchronized Set<Integer> listsOf(String email) {
        Set<Integer> ids = new LinkedHashSet<>();
        JsonNode c = contact(email);
        if (c != null) {
            c.path("lists").forEach(l -> ids.add(l.path("id").asInt()));
        }
        return ids;
    }

    /** Resubscribe confirmation emails Dotdigital would have sent. */
    public synchronized int challengesSent() {
        return challenges;
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        String path = request.getUrl().split("\\?", 2)[0];
        String method = request.getMethod().getName();
        try {
            Matcher m = MEMBER.matcher(path);
            if (m.matches() && method.equals("DELETE")) {
                return leave(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
            }
            m = LIST.matcher(path);
            if (m.matches() && method.equals("GET")) {
                int id = Integer.parseInt(m.group(1));
                return lists.containsKey(id) ? json(200, "{\"id\": " + id + ", \"name\": \"" + lists.get(id)
                        + "\", \"visibility\": \"Private\", \"contacts\": 0}") : json(404, "{\"message\": \"Error: ERROR_ADDRESSBOOK_NOT_FOUND\"}");
            }
            m = CONTACT.matcher(path);
            if (m.matches()) {
                String email = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                if (method.equals("GET")) {
                    ObjectNode c = contacts.get(email);
                    return c == null ? json(404, "{\"errorCode\": \"contacts:contactNotFound\", \"description\": "
                            + "\"The following contacts could not be found\"}") : json(200, c.toString());
                }
                if (method.equals("PATCH")) {
                    return patch(email, JSON.readTree(request.getBodyAsString()));
                }
            }
            return json(500, "{\"message\": \"stub: unexpected " + method + " " + path + "\"}");
        } catch (Exception e) {
            return json(500, "{\"message\": \"stub: " + e + "\"}");
        }
    }

    private ResponseDefinition patch(String email, JsonNode body) {
        boolean created = !contacts.containsKey(email);
        if (created) {
            contacts.put(email, newContact(email));
        }
        ObjectNode c = contacts.get(email);
        body.path("dataFields").fields().forEachRemaining(f -> ((ObjectNode) c.get("dataFields")).set(f.getKey(), f.getValue()));
        JsonNode channels = body.path("channelProperties");
        for (String name : List.of("email", "sms")) {
            JsonNode wanted = channels.path(name);
            if (!wanted.isObject()) {
                continue;
            }
            ObjectNode channel = (ObjectNode) c.with("channelProperties").with(name);
            if (wanted.has("optInType")) {
                String t = wanted.get("optInType").asText();
                channel.put("optInType", t.substring(0, 1).toUpperCase(Locale.ROOT) + t.substring(1)); // answers are PascalCase
            }
            String status = wanted.path("status").asText(null);
            if (status == null) {
                continue;
            }
            String current = channel.path("status").asText("noSubscription");
            boolean optedOut = !List.of("subscribed", "pendingOptIn", "noSubscription").contains(current);
            if (status.equals("subscribed") && optedOut
                    && !wanted.path("resubscribeOptions").path("resubscribeWithNoChallenge").asBoolean(true)) {
                challenges++; // the contact confirms by email; until then the channel stays as it is
                continue;
            }
            channel.put("status", status);
        }
        body.path("lists").forEach(id -> addToList(c, id.asInt()));
        c.put("status", c.path("channelProperties").path("email").path("status").asText("subscribed"));
        return json(created ? 201 : 200, c.toString());
    }

    private ResponseDefinition leave(int listId, long contactId) {
        for (ObjectNode c : contacts.values()) {
            if (c.path("contactId").asLong() == contactId) {
                ArrayNode kept = JSON.createArrayNode();
                boolean removed = false;
                for (JsonNode l : c.path("lists")) {
                    if (l.path("id").asInt() == listId) {
                        removed = true;
                    } else {
                        kept.add(l);
                    }
                }
                c.set("lists", kept);
                return removed ? new ResponseDefinitionBuilder().withStatus(204).build()
                        : json(404, "{\"message\": \"Error: ERROR_CONTACT_NOT_FOUND\"}");
            }
        }
        return json(404, "{\"message\": \"Error: ERROR_CONTACT_NOT_FOUND\"}");
    }

    private ObjectNode newContact(String email) {
        ObjectNode c = JSON.createObjectNode();
        c.put("contactId", nextId.incrementAndGet());
        c.put("status", "subscribed");
        c.put("created", "2024-01-01T00:00:00Z");
        c.put("updated", "2024-01-01T00:00:00Z");
        c.with("identifiers").put("email", email);
        c.putObject("dataFields");
        // the contract: "for new contacts this defaults to subscribed"
        c.with("channelProperties").with("email").put("emailType", "Html").put("optInType", "Unknown").put("status", "subscribed");
        c.putArray("lists");
        return c;
    }

    private void addToList(ObjectNode c, int id) {
        for (JsonNode l : c.path("lists")) {
            if (l.path("id").asInt() == id) {
                return;
            }
        }
        ((ArrayNode) c.path("lists")).addObject().put("id", id).put("name", lists.getOrDefault(id, "list " + id))
                .put("status", "subscribed");
    }

    private static ResponseDefinition json(int status, String body) {
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(body).build();
    }
}
