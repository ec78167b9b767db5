package io.consentsync.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryScheduleTest {

    @Test
    void theDefaultsRetrySixTimesOverMoreThanFiveMinutes() {
        RetrySchedule defaults = new RetrySchedule(6, 5000, 2, 120000);
        assertThat(defaults.delays()).containsExactly(10000L, 20000L, 40000L, 80000L, 120000L, 120000L);
        assertThat(defaults.totalSpread()).isEqualTo(Duration.ofSeconds(390));
        assertThat(defaults.meetsDidomiPromise()).isTrue();
        assertThat(defaults.delayPattern()).isEqualTo("1:10000;2:20000;3:40000;4:80000;5:120000;6:120000");
        assertThat(defaults.delayBefore(9)).isEqualTo(120000L);
    }

    @Test
    void flagsSchedulesBelowDidomisPromiseAndRefusesNonsense() {
        assertThat(new RetrySchedule(4, 5000, 2, 120000).meetsDidomiPromise()).isFalse();
        assertThatThrownBy(() -> new RetrySchedule(-1, 5000, 2, 1000)).hasMessageContaining("sync.retry.max-redeliveries");
        assertThatThrownBy(() -> new RetrySchedule(3, 5000, 0.5, 10000)).hasMessageContaining("sync.retry.multiplier");
        assertThatThrownBy(() -> new RetrySchedule(3, 5000, 2, 100)).hasMessageContaining("sync.retry.max-delay-ms");
    }

    @Test
    void pastTheQuickRetriesTheWaitDoublesUpToTheParkCap() {
        RetrySchedule defaults = new RetrySchedule(6, 5000, 2, 120000);
        // attempts made: the first plus six retries = 7; the next waits twice the last quick delay
        assertThat(defaults.parkDelay(7, 900000)).isEqualTo(240000L);
        assertThat(defaults.parkDelay(8, 900000)).isEqualTo(480000L);
        assertThat(defaults.parkDelay(9, 900000)).isEqualTo(900000L);
        assertThat(defaults.parkDelay(500, 900000)).isEqualTo(900000L);
    }
}
