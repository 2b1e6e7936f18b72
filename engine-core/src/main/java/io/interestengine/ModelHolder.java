package io.interestengine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves one model directory and swaps in a new version of it while requests are being scored.
 *
 * <pre>{@code
 * try (ModelHolder holder = ModelHolder.load(dir, LoadOptions.defaults())) {
 *     // on each request thread:
 *     try (ModelHolder.Lease lease = holder.acquire()) {
 *         lease.session().score(request, scores);   // request made by lease.model()
 *     }
 *     // on a deployment:
 *     holder.reload();                              // or reload(newDir)
 * }
 * }</pre>
 *
 * <p>A {@link #reload()} loads the new version beside the current one and then switches atomically: calls that
 * acquired a lease before the switch finish on the old version, leases acquired after it get the new one, and
 * the old version (its model and every session opened on it) closes when its last lease is returned. A load
 * that fails leaves the current version serving; the failure is thrown to the caller of {@code reload} and
 * kept in {@link #lastReloadError()}.
 *
 * <p>Sessions are reused per version: a platform thread keeps one session per version (a thread-local), so
 * acquiring and returning a lease allocates nothing once the thread has scored on that version. Virtual
 * threads, which are usually one per request, borrow a session from the version's free list instead and put
 * it back on return, so their sessions are reused as well. A thread that acquires a second lease on the same
 * holder before returning the first borrows from the free list too.
 */
public final class ModelHolder implements AutoCloseable {
    private final LoadOptions options;
    private final Object reloadLock = new Object();
    private volatile Version current;
    private volatile Path dir;
    private volatile String lastReloadError;
    private long versions;

    private ModelHolder(Path dir, LoadOptions options, Model first) {
        this.dir = dir;
        this.options = options;
        this.current = new Version(first, ++versions);
    }

    /**
     * Loads the first version of a model directory.
     *
     * @throws ModelFormatException        if the directory, configuration or weights are invalid
     * @throws BackendUnavailableException if the requested backend cannot run the model
     * @throws IllegalArgumentException    if {@code dir} or {@code options} is null
     */
    public static ModelHolder load(Path dir, LoadOptions options) {
        if (dir == null || options == null) throw new IllegalArgumentException(
                "model directory and load options must not be null");
        return new ModelHolder(dir, options, Model.load(dir, options));
    }

    /**
     * Leases the current version for one call. Return the lease (try-with-resources) as soon as the call is
     * done: the version cannot close while a lease on it is out.
     *
     * @throws IllegalStateException if the holder is closed
     */
    public Lease acquire() {
        for (;;) {
            Version v = current;
            if (v == null) throw new IllegalStateException("model holder for " + dir + " is closed");
            // A version retired and closed between the read and here refuses; the next read sees its successor.
            if (v.retain()) return v.lease();
        }
    }

    /**
     * Loads the holder's directory again and switches to the new version.
     *
     * @return the new version's model
     * @throws ModelFormatException        if the new files are invalid (the current version keeps serving)
     * @throws BackendUnavailableException if the backend cannot run the new version (the current one keeps serving)
     * @throws IllegalStateException       if the holder is closed
     */
    public Model reload() {
        return reload(dir);
    }

    /**
     * Loads a model directory (a new version, possibly in another directory) and switches to it; the holder
     * then reloads from {@code newDir}.
     *
     * @return the new version's model
     * @throws ModelFormatException        if the new files are invalid (the current version keeps serving)
     * @throws BackendUnavailableException if the backend cannot run the new version (the current one keeps serving)
     * @throws IllegalStateException       if the holder is closed
     * @throws IllegalArgumentException    if {@code newDir} is null
     */
    public Model reload(Path newDir) {
        if (newDir == null) throw new IllegalArgumentException("model directory must not be null");
        synchronized (reloadLock) {
            if (current == null) throw new IllegalStateException("model holder for " + dir + " is closed");
            Model next;
            try {
                next = Model.load(newDir, options);
            } catch (RuntimeException e) {
                lastReloadError = newDir + ": " + e.getMessage();
                throw e;
            }
            Version old = current;
            current = new Version(next, ++versions);
            dir = newDir;
            lastReloadError = null;
            old.release();
            return next;
        }
    }

    /**
     * The model of the current version, for its metadata (name, fields, fingerprint, backend). Score through
     * {@link #acquire()}: the model returned here closes once a later version replaces it and its leases return.
     *
     * @throws IllegalStateException if the holder is closed
     */
    public Model model() {
        Version v = current;
        if (v == null) throw new IllegalStateException("model holder for " + dir + " is closed");
        return v.model;
    }

    /** The current version's number: 1 for the first load, one more for each successful reload. */
    public long version() {
        Version v = current;
        return v == null ? 0 : v.number;
    }

    /** The directory the holder loads from. */
    public Path directory() {
        return dir;
    }

    /** The last failed reload's directory and error, or null when the last reload succeeded (or none failed). */
    public String lastReloadError() {
        return lastReloadError;
    }

    /**
     * Stops handing out leases; the current version closes when its outstanding leases are returned. Idempotent.
     */
    @Override
    public void close() {
        synchronized (reloadLock) {
            Version v = current;
            if (v == null) return;
            current = null;
            v.release();
        }
    }

    /**
     * One call's use of a model version: its model and a session on it for this thread. Not thread-safe: it
     * belongs to the thread that acquired it until {@link #close()}.
     */
    public static final class Lease implements AutoCloseable {
        private final Version version;
        private final Session session;
        private final boolean pooled;
        private boolean out;

        private Lease(Version version, Session session, boolean pooled) {
            this.version = version;
            this.session = session;
            this.pooled = pooled;
        }

        /** The session to score with; do not keep it past {@link #close()}. */
        public Session session() {
            return session;
        }

        /** The version's model: make requests with it ({@code model().newRankingRequest()}). */
        public Model model() {
            return version.model;
        }

        /** The version number (see {@link ModelHolder#version()}). */
        public long version() {
            return version.number;
        }

        /** Returns the lease; the version closes here if it was replaced and this was its last lease. Idempotent. */
        @Override
        public void close() {
            if (!out) return;
            out = false;
            if (pooled) version.giveBack(this);
            version.release();
        }
    }

    /** A loaded version: its model, its sessions and a count of references (the holder's and each lease's). */
    private static final class Version {
        final Model model;
        final long number;
        /** 1 for the holder while current, plus one per outstanding lease; the version closes at 0. */
        private final AtomicInteger refs = new AtomicInteger(1);
        private final ThreadLocal<Lease> perThread = new ThreadLocal<>();
        private final List<Lease> free = new ArrayList<>();
        private final List<Session> all = new ArrayList<>();

        Version(Model model, long number) {
            this.model = model;
            this.number = number;
        }

        boolean retain() {
            for (;;) {
                int r = refs.get();
                if (r == 0) return false;
                if (refs.compareAndSet(r, r + 1)) return true;
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) closeAll();
        }

        /** Called holding a reference: the version cannot close meanwhile. */
        Lease lease() {
            try {
                Thread t = Thread.currentThread();
                if (!t.isVirtual()) {
                    Lease l = perThread.get();
                    if (l == null) {
                        l = new Lease(this, open(), false);
                        perThread.set(l);
                    }
                    if (!l.out) {
                        l.out = true;
                        return l;
                    }
                }
                Lease l = borrow();
                l.out = true;
                return l;
            } catch (RuntimeException | Error e) {
                release();
                throw e;
            }
        }

        private Lease borrow() {
            synchronized (free) {
                if (!free.isEmpty()) return free.removeLast();
            }
            return new Lease(this, open(), true);
        }

        void giveBack(Lease l) {
            synchronized (free) {
                free.add(l);
            }
        }

        private Session open() {
            Session s = model.newSession();
            synchronized (all) {
                all.add(s);
            }
            return s;
        }

        /** No lease is out and none can be taken (refs is 0): the sessions are idle and can be closed from here. */
        private void closeAll() {
            try {
                synchronized (all) {
                    for (Session s : all) s.close();
                    all.clear();
                }
                synchronized (free) {
                    free.clear();
                }
            } finally {
                model.close();
            }
        }
    }
}
