package io.consentsync;

import io.consentsync.config.CurrentIntegration;
import io.consentsync.config.IntegrationConfig;
import io.consentsync.config.InvalidConfigurationException;
import io.consentsync.config.RetrySchedule;

import io.consentsync.admin.AdminAuthenticator;
import io.consentsync.admin.AdminEventsApi;
import io.consentsync.admin.ContactTimeline;
import io.consentsync.admin.PipelineHistory;
import io.consentsync.dotdigital.ContactLookupStrategy;
import io.consentsync.dotdigital.ContactPatchBuilder;
import io.consentsync.dotdigital.AccountFailureObserver;
import io.consentsync.dotdigital.AccountPause;
import io.consentsync.delivery.PauseDeferral;
import io.consentsync.delivery.FailedDeliveryRecorder;
import io.consentsync.delivery.RetryCapacity;
import io.consentsync.delivery.DeliveryAttemptRecorder;
import io.consentsync.delivery.DeliveryOutcomes;
import io.consentsync.delivery.ImportBatchCollector;
import io.consentsync.dotdigital.BulkImport;
import io.consentsync.dotdigital.DotdigitalCredentials;
import io.consentsync.delivery.RateLimitDeferral;
import io.consentsync.dotdigital.RateLimitGate;
import io.consentsync.delivery.UnchangedValues;
import io.consentsync.http.ErrorResponder;
import io.consentsync.intake.EventClassifier;
import io.consentsync.intake.OAuthTokenEndpoint;
import io.consentsync.intake.TokenSigner;
import io.consentsync.intake.WebhookAuthenticator;
import io.consentsync.intake.WebhookEnvelopeParser;
import io.consentsync.mapping.ConsentMapper;
import io.consentsync.mapping.DataFieldCatalog;
import io.consentsync.mapping.DataFieldConverter;
import io.consentsync.mapping.MappingCheck;
import io.consentsync.mapping.MappingHealthCheck;
import io.consentsync.observe.DotdigitalHealthCheck;
import io.consentsync.observe.EventStoreHealthCheck;
import io.consentsync.observe.OutcomeLog;
import io.consentsync.observe.StoreClockHealthCheck;
import io.consentsync.observe.SyncMetrics;
import io.consentsync.delivery.StaleWriteGuard;
import io.consentsync.store.ContactClaims;
import io.consentsync.store.ContactFieldStates;
import io.consentsync.store.EventQueries;
import io.consentsync.store.EventStore;
import io.consentsync.store.EventStoreDataSource;
import io.consentsync.store.DeliveryPauses;
import io.consentsync.store.RateLimitPauses;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Reads {@code sync.*} properties and the integration JSON, migrates the event store and binds the beans the YAML
 * routes call by name. Fails startup with a message naming the key when the configuration is wrong.
 */
public class SyncConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SyncConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent props = context.getPropertiesComponent();
        Clock clock = Clock.systemUTC();
        Registry registry = context.getRegistry();
        // the HTTP listeners: valid ports before Camel opens them, bound once it has, JSON where no route answers
        int webhookPort = port(props, "camel.server.port");
        int managementPort = port(props, "camel.management.port");
        checkPorts(webhookPort, managementPort);
        context.getManagementStrategy().addEventNotifier(new io.consentsync.http.AnswersOutsideRoutes(webhookPort));
        try {
            context.addStartupListener(new io.consentsync.intake.HttpListenersBound(webhookPort, managementPort));
        } catch (Exception e) { // only a listener added to a started context is called at once; this one is not
            throw new IllegalStateException(e);
        }

        String passwordFileName = optional(props, "sync.dotdigital.password-file");
        DotdigitalCredentials credentials = new DotdigitalCredentials(passwordFileName == null ? null : Path.of(passwordFileName));
        CurrentIntegration current = new CurrentIntegration(
                Path.of(required(props, "sync.integration-file")),
                optional(props, "sync.dotdigital.password"), passwordFileName == null ? null : Path.of(passwordFileName),
                credentials);
        IntegrationConfig integration = current.get(); // the account (URL, API user) is fixed for the process
        RetrySchedule retry = new RetrySchedule(
                intProp(props, "sync.retry.max-redeliveries"),
                longProp(props, "sync.retry.initial-delay-ms"),
                Double.parseDouble(required(props, "sync.retry.multiplier")),
                longProp(props, "sync.retry.max-delay-ms"));
        // values the YAML routes read as placeholders
        props.addOverrideProperty("dotdigital.base-url", integration.baseUrl());
        props.addOverrideProperty("sync.retry.delay-pattern", retry.delayPattern());

        String instanceId = instanceId(props);
        long leaseMs = longProp(props, "sync.delivery.lease-ms");
        if (leaseMs < 3000) {
            throw new InvalidConfigurationException("sync.delivery.lease-ms must be at least 3000, found: " + leaseMs);
        }
        // renewed three times per lease: one missed heartbeat never costs a live instance its contacts
        props.addOverrideProperty("sync.delivery.lease-renew-ms", String.valueOf(leaseMs / 3));
        DataSource database = EventStoreDataSource.open(
                required(props, "sync.store.jdbc-url"), optional(props, "sync.store.username"),
                optional(props, "sync.store.password"), intProp(props, "sync.store.pool-size"));
        closeWhenCamelStops(context, database);
        ContactClaims claims = new ContactClaims(database, instanceId, leaseMs);
        EventQueries queries = new EventQueries(database);
        EventStore store = new EventStore(database, claims, queries, clock,
                Duration.ofMillis(longProp(props, "sync.intake.max-consent-time-skew-ms")),
                intProp(props, "sync.delivery.max-events-per-contact"));
        int released = claims.releaseOwnClaims();

        String clientId = optional(props, "sync.webhook.client-id");
        String clientSecret = optional(props, "sync.webhook.client-secret");
        TokenSigner signer = null;
        if (clientSecret != null && !clientSecret.isEmpty()) {
            if (clientId == null || clientId.isEmpty()) {
                throw new InvalidConfigurationException("sync.webhook.client-id is required when sync.webhook.client-secret is set");
            }
            signer = new TokenSigner(clientId, clientSecret, clock);
        }
        DataFieldCatalog catalog = new DataFieldCatalog(clock, Duration.ofSeconds(60));
        RateLimitGate rateLimit = new RateLimitGate(clock,
                Duration.ofMillis(longProp(props, "sync.rate-limit.default-pause-ms")),
                Duration.ofMillis(longProp(props, "sync.rate-limit.max-pause-ms")),
                new RateLimitPauses(database, clock), java.util.Objects.requireNonNullElse(integration.username(), ""), instanceId,
                longProp(props, "sync.rate-limit.shared-refresh-ms"));
        long probeInterval = longProp(props, "sync.outage.probe-interval-ms");
        props.addOverrideProperty("sync.outage.probe-check-ms", String.valueOf(Math.max(100, Math.min(1000, probeInterval / 4))));
        AccountPause accountPause = new AccountPause(new DeliveryPauses(database, clock),
                java.util.Objects.requireNonNullElse(integration.username(), ""), instanceId,
                intProp(props, "sync.outage.failure-threshold"),
                Duration.ofMillis(probeInterval), clock,
                longProp(props, "sync.rate-limit.shared-refresh-ms"));
        MappingCheck mappingCheck = new MappingCheck(current, catalog, clock);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new MappingHealthCheck(mappingCheck));
            health.register(new EventStoreHealthCheck(store));
            health.register(new io.consentsync.mapping.ListsHealthCheck(mappingCheck));
        }
        DotdigitalHealthCheck dotdigitalHealth = new DotdigitalHealthCheck(current, mappingCheck, accountPause);
        StoreClockHealthCheck storeClock = new StoreClockHealthCheck(claims, clock, Duration.ofMillis(leaseMs / 10));
        registry.bind("storeClock", storeClock);
        if (health != null) {
            health.register(dotdigitalHealth);
            health.register(storeClock);
        }
        SyncMetrics metrics = new SyncMetrics(context, clock);
        metrics.watch(queries);
        store.addListener(metrics);
        store.addListener(new OutcomeLog(clock));
        rateLimit.onPause(metrics::rateLimitPause);
        metrics.deliveryPaused("mapping", () -> !mappingCheck.allowsDelivery());
        metrics.deliveryPaused("rate_limit", () -> !rateLimit.isOpen());
        metrics.deliveryPaused(AccountPause.OUTAGE, () -> accountPause.isPausedFor(AccountPause.OUTAGE));
        metrics.deliveryPaused(AccountPause.CREDENTIALS, () -> accountPause.isPausedFor(AccountPause.CREDENTIALS));
        AdminAuthenticator admin = new AdminAuthenticator(required(props, "sync.admin.username"),
                optional(props, "sync.admin.password"), intProp(props, "sync.admin.max-failed-logins"),
                longProp(props, "sync.admin.lockout-seconds"), clock);

        registry.bind("integrationConfig", current);
        registry.bind("retrySchedule", retry);
        registry.bind("eventStore", store);
        registry.bind("contactClaims", claims);
        registry.bind("errorResponder", new ErrorResponder());
        registry.bind("webhookAuthenticator", new WebhookAuthenticator(signer));
        registry.bind("webhookEnvelopeParser", new WebhookEnvelopeParser(intProp(props, "sync.webhook.max-body-bytes")));
        registry.bind("eventClassifier", new EventClassifier(current));
        registry.bind("oauthTokenEndpoint", new OAuthTokenEndpoint(signer, clientSecret,
                longProp(props, "sync.webhook.token-ttl-seconds")));
        registry.bind("consentMapper", new ConsentMapper(current));
        registry.bind("dataFieldCatalog", catalog);
        registry.bind("dataFieldConverter", new DataFieldConverter(catalog));
        registry.bind("contactLookupStrategy", new ContactLookupStrategy());
        StaleWriteGuard guard = new StaleWriteGuard(new ContactFieldStates(claims, clock));
        registry.bind("staleWriteGuard", guard);
        RateLimitDeferral deferral = new RateLimitDeferral(rateLimit, store, claims);
        Duration giveUpAfter = Duration.ofMillis(longProp(props, "sync.retry.give-up-after-ms"));
        // the horizon is also enforced on events a long pause keeps from any attempt: checked a tenth as often
        props.addOverrideProperty("sync.retry.give-up-check-ms",
                String.valueOf(Math.max(1000, Math.min(60000, giveUpAfter.toMillis() / 10))));
        props.addOverrideProperty("sync.retry.give-up-after-ms", String.valueOf(giveUpAfter.toMillis()));
        FailedDeliveryRecorder failedDelivery = new FailedDeliveryRecorder(store, claims, retry,
                Duration.ofMillis(longProp(props, "sync.retry.park-max-delay-ms")), giveUpAfter, clock);
        AccountFailureObserver accountFailures = new AccountFailureObserver(accountPause);
        PauseDeferral pauseDeferral = new PauseDeferral(store, claims, mappingCheck, clock);
        registry.bind("accountPause", accountPause);
        registry.bind("accountFailureObserver", accountFailures);
        registry.bind("pauseDeferral", pauseDeferral);
        registry.bind("bulkImport", new BulkImport(current, store, queries, claims, guard, rateLimit, deferral, failedDelivery,
                accountFailures, pauseDeferral, clock,
                longProp(props, "sync.import.min-waiting-events"),
                Duration.ofMillis(longProp(props, "sync.import.max-wait-ms"))));
        registry.bind("importBatchCollector", new ImportBatchCollector());
        registry.bind("rateLimitGate", rateLimit);
        registry.bind("rateLimitDeferral", deferral);
        registry.bind("mappingCheck", mappingCheck);
        registry.bind("contactPatchBuilder", new ContactPatchBuilder(current));
        registry.bind("resubscribePolicy", new io.consentsync.delivery.ResubscribePolicy(current));
        registry.bind("listMembership", new io.consentsync.dotdigital.ListMembership(integration::baseUrl));
        registry.bind("deliveryAttemptRecorder", new DeliveryAttemptRecorder(store, retry, metrics));
        registry.bind("retryCapacity", retryCapacity(context, props, retry, accountPause));
        registry.bind("failedDeliveryRecorder", failedDelivery);
        registry.bind("deliveryOutcomes", new DeliveryOutcomes(store, accountPause));
        registry.bind("unchangedValues", new UnchangedValues(catalog));
        registry.bind("adminAuthenticator", admin);
        AdminEventsApi adminEvents = new AdminEventsApi(store, queries, dotdigitalHealth, rateLimit, accountPause,
                mappingCheck);
        registry.bind("adminEventsApi", adminEvents);
        ContactTimeline timeline = new ContactTimeline(queries, current);
        registry.bind("contactTimeline", timeline);
        registry.bind("pipelineHistory", new PipelineHistory(queries, clock));
        retentionAndErasure(context, props, database, instanceId, leaseMs, store, queries, timeline, current);

        bindReconcile(context, props, registry, current, claims, store, instanceId, clock);

        // every http: endpoint talks to Dotdigital: the client adds the API user's credentials itself (the Didomi
        // endpoints of reconcile.camel.yaml name their own client, didomiSession)
        HttpComponent http = context.getComponent("http", HttpComponent.class);
        registry.bind("dotdigitalCredentials", credentials);
        http.setHttpClientConfigurer(credentials);
        credentials.readRateLimitsWith(rateLimit); // x-ratelimit-* of every answer, in one place
        http.setHttpActivityListener(metrics);
        // developer consoles consent-sync and dotdigital, the JMX MBean (when on); see docs/operations.md
        io.consentsync.monitoring.Monitoring.install(context, queries, store.dataSource(), instanceId, mappingCheck,
                rateLimit, accountPause, catalog, credentials, clock);

        LOG.info("Integration: {}", integration);
        LOG.info("Retry schedule: {} retries, delays {} ms, spread {}s{}", retry.maxRedeliveries(), retry.delays(),
                retry.totalSpread().toSeconds(), retry.meetsDidomiPromise() ? ""
                        : " (WARNING: below Didomi's promise of 5 retries over 5 minutes)");
        LOG.info("Webhook authentication: {}; admin API: {}; claims released after restart: {}",
                signer == null ? "OFF (set sync.webhook.client-id and sync.webhook.client-secret)" : "OAuth client credentials",
                admin.isEnabled() ? "on" : "OFF (set sync.admin.password)", released);
        if (!integration.readyForDelivery()) {
            LOG.warn("Delivery to Dotdigital is PAUSED: events are accepted and stored, not sent. Missing: {}",
                    integration.configured() ? "the API user's password (authentication.password or sync.dotdigital.password)"
                            : "a real integration file: copy config/integration.example.json to config/integration.json "
                            + "(or point sync.integration-file at yours) with your regional authentication.url, "
                            + "API username and password");
        }
    }

    /** Reconcile runs against Didomi's consents API (issue 13): the reconcile package, reconcile.camel.yaml. */
    private static void bindReconcile(CamelContext context, PropertiesComponent props, Registry registry,
                                      CurrentIntegration current, ContactClaims claims, EventStore store,
                                      String instanceId, Clock clock) {
        String secretFile = optional(props, "sync.didomi.api-secret-file");
        io.consentsync.reconcile.DidomiSettings didomi = new io.consentsync.reconcile.DidomiSettings(
                required(props, "sync.didomi.api-url"), optional(props, "sync.didomi.organization-id"),
                optional(props, "sync.didomi.api-key"), optional(props, "sync.didomi.api-secret"),
                secretFile == null ? null : Path.of(secretFile));
        io.consentsync.reconcile.DidomiSession session = new io.consentsync.reconcile.DidomiSession(didomi,
                longProp(props, "sync.didomi.max-answer-bytes"), longProp(props, "sync.didomi.answer-timeout-ms"));
        io.consentsync.reconcile.ReconcileRuns runs = new io.consentsync.reconcile.ReconcileRuns(store.dataSource(),
                instanceId, Duration.ofMillis(longProp(props, "sync.reconcile.stale-after-ms")), clock);
        int interrupted = runs.failInterrupted();
        io.consentsync.reconcile.ReconcileMetrics metrics = new io.consentsync.reconcile.ReconcileMetrics(context);
        metrics.watch(runs);
        long interval = longProp(props, "sync.reconcile.interval-ms");
        props.addOverrideProperty("sync.reconcile.check-ms",
                String.valueOf(io.consentsync.reconcile.ReconcileSchedule.checkEveryMs(interval)));
        registry.bind("didomiSession", session);
        registry.bind("sessionRequest", new io.consentsync.reconcile.SessionRequest(session));
        registry.bind("usersPageRequest", new io.consentsync.reconcile.UsersPageRequest(didomi, current));
        registry.bind("didomiAnswers", new io.consentsync.reconcile.DidomiAnswers(session,
                intProp(props, "sync.didomi.max-retries"), longProp(props, "sync.didomi.retry-initial-delay-ms"),
                longProp(props, "sync.didomi.retry-max-delay-ms"), clock, runs));
        registry.bind("reconcileRuns", runs);
        registry.bind("reconcileMetrics", metrics);
        registry.bind("reconcilePage", new io.consentsync.reconcile.ReconcilePage(current,
                new ContactFieldStates(claims, clock), store, runs, metrics, intProp(props, "sync.import.max-contacts"),
                Duration.ofMillis(longProp(props, "sync.reconcile.stale-after-ms")), clock));
        registry.bind("reconcileApi", new io.consentsync.reconcile.ReconcileApi(didomi, runs));
        registry.bind("reconcileSchedule", new io.consentsync.reconcile.ReconcileSchedule(interval, runs, didomi, clock));
        LOG.info("Didomi API for reconcile runs: {}; schedule: {}{}", didomi.missingSetting() == null ? didomi
                        : "not configured (" + didomi.missingSetting() + " is not set)",
                interval > 0 ? "every " + interval + " ms" : "on demand only (sync.reconcile.interval-ms=0)",
                interrupted > 0 ? "; " + interrupted + " run(s) interrupted by the restart marked failed" : "");
    }

    /**
     * The store's own retention and erasure (retention.camel.yaml, docs/data.md). The erasure after a user.deleted is
     * hooked to delivery as an outcome listener: it hears of every handled deletion after its outcome committed.
     */
    private static void retentionAndErasure(CamelContext context, PropertiesComponent props, DataSource database,
                                            String instanceId, long leaseMs, EventStore store, EventQueries queries,
                                            ContactTimeline timeline, CurrentIntegration current) {
        long payloadDays = longProp(props, "sync.retention.payload-days");
        long auditDays = longProp(props, "sync.retention.audit-days");
        long dayMs = longProp(props, "sync.retention.day-ms");
        int batchSize = intProp(props, "sync.retention.batch-size");
        long interval = longProp(props, "sync.retention.interval-ms");
        if (payloadDays < 0 || auditDays < 0 || dayMs < 1 || batchSize < 1 || interval < 1) {
            throw new InvalidConfigurationException("sync.retention.payload-days and audit-days must be 0 or more, "
                    + "sync.retention.day-ms, batch-size and interval-ms more than 0");
        }
        if (longProp(props, "sync.erasure.interval-ms") < 1) {
            throw new InvalidConfigurationException("sync.erasure.interval-ms must be more than 0");
        }
        Registry registry = context.getRegistry();
        registry.bind("retentionPurge", new io.consentsync.retention.RetentionPurge(
                new io.consentsync.store.StoreRetention(database, instanceId), payloadDays, auditDays, dayMs, batchSize,
                2 * interval));
        String flag = required(props, "sync.erasure.on-user-deleted").trim();
        if (!flag.equals("true") && !flag.equals("false")) {
            throw new InvalidConfigurationException("sync.erasure.on-user-deleted must be true or false, found: " + flag);
        }
        io.consentsync.store.ContactErasure erasure = new io.consentsync.store.ContactErasure(database, instanceId, leaseMs,
                optional(props, "sync.erasure.key"));
        io.consentsync.retention.ErasureOnDeletion onDeletion =
                new io.consentsync.retention.ErasureOnDeletion(erasure, Boolean.parseBoolean(flag), context);
        store.addListener(onDeletion);
        store.checkErasuresWith(erasure); // a late event older than its person's erasure never brings them back
        registry.bind("erasureOnDeletion", onDeletion);
        registry.bind("erasureApi", new io.consentsync.retention.ErasureApi(erasure, timeline, current));
    }

    /**
     * Quick retries wait in Camel's shared redelivery pool, which drops what its queue cannot hold: keep below it, the
     * rest waits in the store.
     */
    private static RetryCapacity retryCapacity(CamelContext context, PropertiesComponent props, RetrySchedule retry,
                                               AccountPause pause) {
        int max = intProp(props, "sync.retry.max-in-memory");
        Integer queue = context.getExecutorServiceManager().getDefaultThreadPoolProfile().getMaxQueueSize();
        if (max < 1 || (queue != null && queue > 0 && max >= queue)) {
            throw new InvalidConfigurationException("sync.retry.max-in-memory must be between 1 and "
                    + (queue == null || queue <= 0 ? "any" : queue - 1) + " (Camel's redelivery queue), found: " + max);
        }
        return new RetryCapacity(retry, max, pause);
    }

    /**
     * Names this instance in claims. Stable across restarts (so a restarted instance frees its own claims at once) and
     * distinct for two instances on one host: host name and HTTP port, unless sync.instance-id says otherwise.
     */
    private static String instanceId(PropertiesComponent props) {
        String id = optional(props, "sync.instance-id");
        if (id != null && !id.isBlank()) {
            return id;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + required(props, "camel.server.port");
    }

    /**
     * The connection pool closes after the routes have stopped (services stop after them): without it a stopped
     * context's pool kept retrying its database in the background, which is what a test JVM running many contexts saw.
     */
    private static void closeWhenCamelStops(CamelContext context, DataSource pool) {
        try {
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() throws Exception {
                    if (pool instanceof AutoCloseable closeable) {
                        closeable.close();
                    }
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Before Camel opens them: the management port, whose answers need no authentication, never the webhook port
     * (Camel then serves health, metrics and the developer console on the webhook's address, every interface by default).
     */
    private static void checkPorts(int webhook, int management) {
        if (webhook == management) { // both 0 too: Camel then opens one server for both, on the webhook's address
            throw new InvalidConfigurationException("camel.management.port must differ from camel.server.port (both "
                    + webhook + "): the management endpoints need no authentication and would answer on the webhook's"
                    + " address");
        }
    }

    /** A port as configured: a number from 0 to 65535 (Camel took a word for a random port). */
    private static int port(PropertiesComponent props, String key) {
        String value = required(props, key);
        if (!value.matches("0*[0-9]{1,5}") || Integer.parseInt(value) > 65535) {
            throw new InvalidConfigurationException(key + " must be a port number from 0 to 65535, found: " + value);
        }
        return Integer.parseInt(value);
    }

    /** A key whose empty value means "not set" (a password, an optional file). */
    private static String optional(PropertiesComponent props, String key) {
        return props.resolveProperty(key).filter(v -> !v.isEmpty()).orElse(null);
    }

    /** Defaults live in application.properties only (the jar carries a copy): a key missing there is a mistake. */
    private static String required(PropertiesComponent props, String key) {
        return props.resolveProperty(key).filter(v -> !v.isBlank()).orElseThrow(() ->
                new InvalidConfigurationException(key + " is not set or empty: application.properties, -D" + key
                        + " or its environment variable (an empty one counts) must give it a value"));
    }

    private static int intProp(PropertiesComponent props, String key) {
        return (int) longProp(props, key);
    }

    private static long longProp(PropertiesComponent props, String key) {
        String v = required(props, key);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(key + " must be a whole number, found: " + v);
        }
    }
}
