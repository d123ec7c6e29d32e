package io.wechatopen.camel.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Issue 9: per-account locks take memory only while used, not per account ever refreshed. */
class KeyedLocksTest {

    private final KeyedLocks locks = new KeyedLocks();

    @Test
    void lockWhenReleasedThenNothingKeptForTheKey() {
        for (int i = 0; i < 1000; i++) {
            try (KeyedLocks.Held held = locks.lock("account-" + i)) {
                assertThat(locks.size()).isOne();
            }
        }
        assertThat(locks.size()).isZero();
    }

    @Test
    void tryLockWhenHeldByAnotherThreadThenNullAndFreeOnceReleased() throws Exception {
        KeyedLocks.Held held = locks.lock("account");

        assertThat(CompletableFuture.supplyAsync(() -> locks.tryLock("account")).get(10, TimeUnit.SECONDS)).isNull();
        assertThat(locks.size()).as("the holder's entry only").isOne();

        held.close();
        KeyedLocks.Held again = CompletableFuture.supplyAsync(() -> locks.tryLock("account")).get(10,
                TimeUnit.SECONDS);
        assertThat(again).isNotNull();
        assertThat(locks.size()).isOne();
    }
}
