package io.interestengine.cuda;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import org.junit.platform.engine.discovery.ClassSelector;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * Runs the engine-cuda tests without Maven (the GPU machine has only a Java runtime): JUnit Platform's
 * launcher over this package, one line per test with its outcome (skips with their reason), a summary, and
 * exit status 1 on any failure.
 */
public final class GpuTestMain {
    private GpuTestMain() {
    }

    public static void main(String[] args) throws Exception {
        LauncherDiscoveryRequest req = request().selectors(testClasses()).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener lines = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                System.out.println("SKIPPED " + id.getDisplayName() + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                if (!id.isTest()) return;
                String why = r.getThrowable().map(t -> ": " + t).orElse("");
                System.out.println(r.getStatus() + " " + id.getUniqueId().replaceAll(".*class:", "") + why);
            }
        };
        launcher.execute(req, summary, lines);
        TestExecutionSummary s = summary.getSummary();
        s.printTo(new PrintWriter(System.out));
        s.printFailuresTo(new PrintWriter(System.out), 30);
        System.exit(s.getTotalFailureCount() == 0 && s.getTestsFoundCount() > 0 ? 0 : 1);
    }

    /** Every *Test class next to this one (in the test jar or the test-classes folder). */
    static List<ClassSelector> testClasses() throws Exception {
        Path where = Path.of(GpuTestMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> s = Files.walk(where)) {
                s.map(p -> where.relativize(p).toString().replace(java.io.File.separatorChar, '/')).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                jar.stream().map(JarEntry::getName).forEach(names::add);
            }
        }
        // The emulated backend's comparisons are the no-GPU stand-in for the GPU ones: not worth device time.
        return names.stream().filter(n -> n.matches("io/interestengine/cuda/[A-Za-z0-9]+Test\\.class") && !n.contains("Emulated")).sorted()
                .map(n -> selectClass(n.substring(0, n.length() - 6).replace('/', '.'))).toList();
    }
}
