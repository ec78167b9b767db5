package io.consentsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Whether the store can take a write now: commits one tiny update. A connection test alone stays green while every
 * insert fails (H2 on a full disk), and intake would answer 503 behind a ready probe.
 */
public class StoreWriteProbe {

    private final DataSource dataSource;

    public StoreWriteProbe(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public boolean canWrite() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update store_write_probe set probed_at = ? where id = 1")) {
            ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            return false;
        }
    }
}
