package io.interestengine.serving;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Opens a Lettuce Redis Cluster client from {@code redis://host:port[,host:port...]}. */
public final class RedisClusters {
    /** How long one command may take before the caller sees a {@link StateStoreException}. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private RedisClusters() {
    }

    /**
     * A client for the cluster whose seed nodes {@code spec} lists; it follows the cluster's topology (slot
     * moves, a replica promoted on failover) by itself.
     *
     * @throws IllegalArgumentException if {@code spec} is not {@code redis://host:port[,host:port...]}
     */
    public static RedisClusterClient client(String spec) {
        if (spec == null || !spec.startsWith("redis://")) {
            throw new IllegalArgumentException("state store '" + spec + "': expected redis://host:port[,host:port...]");
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String hp : spec.substring("redis://".length()).split(",")) {
            int c = hp.lastIndexOf(':');
            try {
                if (c <= 0) throw new NumberFormatException("no port");
                seeds.add(RedisURI.builder().withHost(hp.substring(0, c)).withPort(Integer.parseInt(hp.substring(c
                        + 1)))
                        .withTimeout(TIMEOUT).build());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("state store '" + spec + "': node '" + hp + "' is not host:port", e);
            }
        }
        RedisClusterClient client = RedisClusterClient.create(seeds);
        // After a failover the promoted replica owns the slots: MOVED replies and lost connections trigger a
        // topology refresh at once, and a periodic one catches changes no command has hit yet.
        client.setOptions(ClusterClientOptions.builder().topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(10)).build()).build());
        return client;
    }
}
