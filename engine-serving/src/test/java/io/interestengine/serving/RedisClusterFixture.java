package io.interestengine.serving;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A three-master Redis Cluster of real {@code redis-server} processes on loopback ports with data in a
 * temporary directory, started once per test JVM and stopped at its exit. Tests that need it skip, saying
 * why, when {@code redis-server} is not installed ({@code .ci/run} installs Debian's).
 */
final class RedisClusterFixture {
    private static RedisClusterFixture shared;
    private static String unavailable;
    private final List<Process> servers = new ArrayList<>();
    private final int[] ports = new int[3];
    private final Path dir;

    /** The running cluster; skips the calling test when redis-server is missing or the cluster cannot start. */
    static synchronized RedisClusterFixture get() {
        if (shared == null && unavailable == null) {
            if (!onPath("redis-server") || !onPath("redis-cli")) {
                unavailable = "redis-server/redis-cli not on PATH (Debian: apt-get install -y redis-server)";
            } else {
                try {
                    shared = new RedisClusterFixture();
                    Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
                } catch (IOException | InterruptedException | RuntimeException e) {
                    unavailable = "Redis Cluster did not start: " + e;
                }
            }
        }
        Assumptions.assumeTrue(unavailable == null, unavailable);
        return shared;
    }

    private static boolean onPath(String cmd) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(p, cmd))) return true;
        }
        return false;
    }

    private RedisClusterFixture() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("ie-redis-cluster");
        for (int k = 0; k < 3; k++) ports[k] = freePortPair();
        for (int p : ports) {
            servers.add(new ProcessBuilder("redis-server", "--port", "" + p, "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes-" + p + ".conf", "--dir", dir.toString(), "--save", "",
                            "--appendonly", "no",
                    "--daemonize", "no", "--loglevel", "warning", "--logfile", dir.resolve("redis-" + p
                            + ".log").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out-" + p + ".txt").toFile()).start());
        }
        for (int p : ports) awaitListening(p);
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int p : ports) create.add("127.0.0.1:" + p);
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process c = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(dir.resolve("create.txt").toFile()).start();
        if (!c.waitFor(30, TimeUnit.SECONDS) || c.exitValue() != 0) {
            stop();
            throw new IOException("redis-cli --cluster create failed: " + Files.readString(dir.resolve("create.txt")));
        }
        for (int p : ports) awaitClusterOk(p);
    }

    /** A port whose cluster bus port (port + 10000) is free too. */
    private static int freePortPair() throws IOException {
        for (int tries = 0; tries < 100; tries++) {
            int p;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                p = s.getLocalPort();
            }
            if (p + 10000 > 65535) continue;
            try (ServerSocket s = new ServerSocket(p + 10000, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free port pair");
    }

    private static void awaitListening(int port) throws InterruptedException, IOException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IOException("redis-server on port " + port + " did not start");
    }

    private static void awaitClusterOk(int port) throws IOException, InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end) {
            Process p = new ProcessBuilder("redis-cli", "-p", "" + port, "cluster",
                    "info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            if (out.contains("cluster_state:ok")) return;
            Thread.sleep(50);
        }
        throw new IOException("cluster not ok on port " + port);
    }

    /** {@code redis://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
    String spec() {
        StringBuilder b = new StringBuilder("redis://");
        for (int k = 0; k < ports.length; k++) b.append(k == 0 ? "" : ",").append("127.0.0.1:").append(ports[k]);
        return b.toString();
    }

    private void stop() {
        for (Process p : servers) p.destroy();
        for (Process p : servers) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }
}
