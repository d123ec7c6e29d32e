package io.wechatopen.camel.token;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One reentrant lock per key, held in memory only while some thread holds or waits for it: memory follows the
 * refreshes in progress, not the number of accounts ever refreshed. Thread-safe.
 */
public final class KeyedLocks {

    /** A held lock; {@link #close()} unlocks it (once). */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Entry {
        private final ReentrantLock lock = new ReentrantLock();
        /** Threads holding or waiting for the lock; guarded by the map's compute. */
        private int users;
    }

    private final Map<String, Entry> locks = new ConcurrentHashMap<>();

    /** Waits for the key's lock. */
    public Held lock(String key) {
        Entry entry = enter(key);
        try {
            entry.lock.lock();
        } catch (RuntimeException | Error e) {
            leave(key);
            throw e;
        }
        return () -> release(key, entry);
    }

    /** @return the key's lock when free now, or null when another thread holds it (nothing is held then) */
    public Held tryLock(String key) {
        Entry entry = enter(key);
        if (entry.lock.tryLock()) {
            return () -> release(key, entry);
        }
        leave(key);
        return null;
    }

    /** How many keys have a lock in memory now (for tests). */
    int size() {
        return locks.size();
    }

    private Entry enter(String key) {
        return locks.compute(key, (k, entry) -> {
            Entry used = entry == null ? new Entry() : entry;
            used.users++;
            return used;
        });
    }

    private void release(String key, Entry entry) {
        entry.lock.unlock();
        leave(key);
    }

    private void leave(String key) {
        locks.computeIfPresent(key, (k, entry) -> --entry.users == 0 ? null : entry);
    }
}
