package io.consentsync.monitoring;

import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.SensitiveUtils;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of Camel's own consoles with every secret masked, in its place. Camel's {@code properties} console masks
 * passwords in its text form only: its JSON form (what the Camel CLI's status file and {@code /q/dev/properties} with
 * {@code Accept: application/json} show) had {@code sync.dotdigital.password} and {@code sync.admin.password} in clear;
 * {@code system-properties} and {@code jvm} (its input arguments) show {@code -D} options unmasked. Whatever key Camel
 * deems sensitive ({@link SensitiveUtils}: password, secret, token, ...) has its value replaced by {@code xxxxxx}.
 */
public class MaskedConsole extends AbstractDevConsole {

    static final String MASK = "xxxxxx";
    /** Where camel-console lists its consoles' classes. */
    private static final String FACTORIES = "META-INF/services/org/apache/camel/dev-console/";
    /** {@code key=value} or {@code key = value} in text and in strings such as {@code -Dsync.admin.password=x}. */
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z0-9_.\\-]+)(\\s*[=:]\\s*)(\\S+)");

    /**
     * The connector's secrets whose names Camel's list lacks ({@code sync.didomi.api-secret}, {@code sync.erasure.key}),
     * by the last segment of the key without dashes as Camel compares them; the same words as
     * {@code camel.main.additional-sensitive-keywords} in application.properties, which masks them in the startup
     * summary.
     */
    private static final java.util.Set<String> CONNECTOR_SECRETS = java.util.Set.of("apisecret", "key");

    private volatile DevConsole delegate;

    /** Whether a property, option or map key names a secret: Camel's words, and the connector's. */
    static boolean sensitive(String key) {
        // as written (sync.didomi.api-secret), and as an environment variable (SYNC_DIDOMI_API_SECRET)
        return named(key) || named(key.replace('_', '.').toLowerCase(java.util.Locale.ROOT));
    }

    private static boolean named(String key) {
        if (SensitiveUtils.containsSensitive(key)) {
            return true;
        }
        String last = key.substring(key.lastIndexOf('.') + 1).replace("-", "").toLowerCase(java.util.Locale.ROOT);
        return CONNECTOR_SECRETS.contains(last);
    }

    public MaskedConsole(String group, String id, String displayName, String description) {
        super(group, id, displayName, description);
    }

    private DevConsole delegate() {
        if (delegate == null) {
            CamelContext context = getCamelContext();
            // Camel's own, from its factory file (the console resolver would find this one in the registry first)
            DevConsole found = context.getCamelContextExtension().getFactoryFinder(FACTORIES)
                    .newInstance(getId(), DevConsole.class).orElse(null);
            if (found == null) {
                throw new IllegalStateException("Camel has no console " + getId());
            }
            if (found instanceof org.apache.camel.CamelContextAware aware) {
                aware.setCamelContext(context);
            }
            org.apache.camel.support.service.ServiceHelper.startService(found);
            delegate = found;
        }
        return delegate;
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        Object answer = delegate().call(MediaType.JSON, options);
        return (JsonObject) mask(answer, false);
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        return maskText(String.valueOf(delegate().call(MediaType.TEXT, options)));
    }

    /** Masks a JSON tree: map entries under a sensitive key, key/value pairs whose key is sensitive, -D options. */
    static Object mask(Object node, boolean sensitive) {
        if (node instanceof Map<?, ?> map) {
            JsonObject out = new JsonObject();
            Object key = map.get("key");
            boolean pairSensitive = key instanceof String k && sensitive(k);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String name = String.valueOf(e.getKey());
                boolean value = name.equals("value") || name.equals("originalValue") || name.equals("defaultValue");
                out.put(name, mask(e.getValue(), sensitive || (!name.equals("key") && sensitive(name)) || (pairSensitive && value)));
            }
            return out;
        }
        if (node instanceof Iterable<?> list) {
            JsonArray out = new JsonArray();
            for (Object o : list) {
                out.add(mask(o, sensitive));
            }
            return out;
        }
        if (node == null) {
            return null;
        }
        if (sensitive) {
            return MASK;
        }
        return node instanceof String s ? maskText(s) : node;
    }

    static String maskText(String text) {
        Matcher m = ASSIGNMENT.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement = sensitive(m.group(1)) ? m.group(1) + m.group(2) + MASK : m.group();
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
