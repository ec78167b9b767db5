package io.consentsync.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The event store's connection pool, migrated. For an embedded H2 file it also makes "202 = stored" true:
 * <ul>
 * <li>WRITE_DELAY=0: H2 otherwise keeps commits in memory for up to 500 ms, and kill -9 loses them;</li>
 * <li>after a failed write (disk full) H2 closes the database, yet its old connections still pass isValid: the pool
 * drops them all, so the next connection reopens the file and works again once there is space;</li>
 * <li>the data directory is created 0700 and the files set to 0600: they hold full payloads with e-mail addresses.</li>
 * </ul>
 */
public final class EventStoreDataSource {

    private static final Logger LOG = LoggerFactory.getLogger(EventStoreDataSource.class);
    private static final Pattern IF_EXISTS = Pattern.compile("(?i);\\s*IFEXISTS\\s*=\\s*TRUE");
    private static final Pattern WRITE_DELAY = Pattern.compile("(?i);\\s*WRITE_DELAY\\s*=\\s*([^;]*)");
    /** H2 error codes after which a connection's database is gone: closed, a store write failed, an I/O error. */
    private static final Set<Integer> H2_DATABASE_BROKEN = Set.of(90098, 50000, 90028, 90031, 90121);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private EventStoreDataSource() {
    }

    public static HikariDataSource open(String jdbcUrl, String username, String password, int poolSize) {
        Path h2File = embeddedH2File(jdbcUrl);
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("consent-event-store");
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setUsername(username);
        hikari.setPassword(password);
        hikari.setMaximumPoolSize(poolSize);
        hikari.setConnectionTimeout(5000);
        hikari.setInitializationFailTimeout(-1); // start even when the database is briefly down; readiness says so
        DropAllOnBrokenH2 override = new DropAllOnBrokenH2();
        if (h2File != null) {
            hikari.setJdbcUrl(durable(jdbcUrl));
            hikari.setExceptionOverride(override);
            prepareOwnerOnly(h2File, !IF_EXISTS.matcher(jdbcUrl).find());
        }
        HikariDataSource ds = new HikariDataSource(hikari);
        override.pool = ds;
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        if (h2File != null) {
            restrictFiles(h2File);
        }
        return ds;
    }

    /**
     * The file an embedded H2 URL names (without H2's ".mv.db"), or null for anything else: PostgreSQL, H2 in
     * memory or behind a server (whose durability is the server's business).
     */
    static Path embeddedH2File(String jdbcUrl) {
        if (!jdbcUrl.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
            return null;
        }
        String rest = jdbcUrl.substring(8);
        int semicolon = rest.indexOf(';');
        String name = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (name.regionMatches(true, 0, "file:", 0, 5)) {
            name = name.substring(5);
        } else if (name.matches("(?s)[A-Za-z]{2,}:.*")) {
            return null; // mem:, tcp:, ssl:, zip:, ...
        }
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return Path.of(name).toAbsolutePath().normalize();
    }

    /** Adds WRITE_DELAY=0 unless the URL sets it; an explicit non-zero delay is kept, with a warning. */
    static String durable(String jdbcUrl) {
        Matcher m = WRITE_DELAY.matcher(jdbcUrl);
        if (!m.find()) {
            return jdbcUrl + ";WRITE_DELAY=0";
        }
        if (!m.group(1).trim().equals("0")) {
            LOG.warn("sync.store.jdbc-url sets WRITE_DELAY={}: H2 then writes commits to disk only after that many ms, "
                    + "so events answered 202 can be LOST if the process is killed. Remove it (0 is the default here).",
                    m.group(1).trim());
        }
        return jdbcUrl;
    }

    /**
     * The directory 0700 when we create it, and the main file created empty 0600 before H2 opens it (not when the URL
     * says IFEXISTS: an empty file would let H2 create the database the URL says must exist).
     */
    private static void prepareOwnerOnly(Path h2File, boolean createFile) {
        Path dir = h2File.getParent();
        Path mvFile = Path.of(h2File + ".mv.db");
        try {
            if (!isPosix(dir.getRoot())) {
                return;
            }
            if (!Files.exists(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR); // not at creation: the umask would mask it
            } else if (Files.getPosixFilePermissions(dir).stream().anyMatch(p -> !p.name().startsWith("OWNER"))) {
                LOG.warn("The event store's directory {} is open to group or others: its files hold e-mail addresses. "
                        + "chmod 700 it (the connector only sets the mode of a directory it creates).", dir);
            }
            if (createFile && !Files.exists(mvFile)) {
                // H2 treats an empty file as a new database; created 0600, it is never readable by others
                Files.createFile(mvFile, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the event store directory " + dir, e);
        }
    }

    /** Every file of this database (.mv.db, .trace.db, .lock.db, temporary files): owner only. */
    private static void restrictFiles(Path h2File) {
        Path dir = h2File.getParent();
        String prefix = h2File.getFileName() + ".";
        if (!isPosix(dir.getRoot())) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith(prefix) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(f, OWNER_ONLY_FILE);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot restrict the event store's files in {} to their owner: {}", dir, e.toString());
        }
    }

    private static boolean isPosix(Path root) {
        return root != null && root.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * After H2 closed its database (a failed write: disk full), every pooled connection is dead but still passes
     * isValid, so the pool would hand them out forever and intake would answer 503 until a restart. Drop them all:
     * the next connection reopens the file.
     */
    private static final class DropAllOnBrokenH2 implements SQLExceptionOverride {

        volatile HikariDataSource pool;

        @java.lang.Override
        public Override adjudicate(SQLException e) {
            if (!H2_DATABASE_BROKEN.contains(e.getErrorCode())) {
                return Override.CONTINUE_EVICT; // Hikari's own judgement
            }
            HikariPoolMXBean live = pool == null ? null : pool.getHikariPoolMXBean();
            if (live != null) {
                LOG.warn("The event store failed ({}): reopening it on the next connection",
                        String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                live.softEvictConnections();
            }
            return Override.MUST_EVICT;
        }
    }
}
