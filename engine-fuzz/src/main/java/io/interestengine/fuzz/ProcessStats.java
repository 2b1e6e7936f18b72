package io.interestengine.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * One sample of the process's resources: heap in use, resident set (VmRSS of /proc/self/status), open file
 * descriptors (/proc/self/fd) and memory mappings (/proc/self/maps). The /proc values are −1 where there is no /proc.
 */
record ProcessStats(long heapBytes, long rssBytes, int fds, int mappings) {
    static ProcessStats sample() {
        Runtime rt = Runtime.getRuntime();
        return new ProcessStats(rt.totalMemory() - rt.freeMemory(), rss(), count(Path.of("/proc/self/fd")),
                lines(Path.of("/proc/self/maps")));
    }

    private static long rss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static int count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static int lines(Path f) {
        try (Stream<String> s = Files.lines(f)) {
            return (int) s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    String describe() {
        return String.format("heap %.1f MiB, RSS %.1f MiB, %d fds, %d mappings", heapBytes / 1048576.0,
                rssBytes / 1048576.0, fds, mappings);
    }
}
