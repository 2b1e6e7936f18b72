package io.interestengine.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs without a GPU: the kernels jar's PTX declares every kernel the backend resolves, with exactly the
 * parameter list its launcher binds, for a virtual architecture and PTX ISA that a CUDA 12 driver JIT-compiles
 * on sm_80/sm_90; and every CUDA source has its committed PTX.
 */
class KernelAbiTest {
    private static final Pattern ENTRY = Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)", Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile("\\.param \\.(\\w+)");

    static Map<String, String> entries(String ptx) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher e = ENTRY.matcher(ptx);
        while (e.find()) {
            StringBuilder sig = new StringBuilder();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) {
                sig.append(switch (p.group(1)) {
                    case "u64" -> 'p';
                    case "u32", "s32" -> 'i';
                    case "f32" -> 'f';
                    default -> '?';
                });
            }
            m.put(e.group(1), sig.toString());
        }
        return m;
    }

    @Test
    void everyKernelIsInItsPtxWithTheLaunchersSignature() {
        for (KernelAbi k : KernelAbi.values()) {
            String ptx = new String(KernelAbi.ptx(k.resource()), StandardCharsets.UTF_8);
            Map<String, String> e = entries(ptx);
            assertNotNull(e.get(k.entry), k.entry + " missing from " + k.resource() + " (has " + e.keySet() + ")");
            assertEquals(k.signature, e.get(k.entry), k.entry + " parameter list in " + k.resource());
        }
    }

    @Test
    void ptxTargetsComputeCapability80AndIsa80() {
        for (KernelAbi k : KernelAbi.values()) {
            String ptx = new String(KernelAbi.ptx(k.resource()), StandardCharsets.UTF_8);
            assertTrue(ptx.contains("\n.version 8.0\n"), k.resource() + ": PTX ISA must be 8.0 (loadable by CUDA 12 drivers)");
            assertTrue(ptx.contains("\n.target sm_80\n"), k.resource() + ": must target sm_80 (JIT to newer GPUs)");
        }
    }

    @Test
    void everyCudaSourceHasCommittedPtx() throws IOException {
        // Run from engine-cuda (Maven) or from the repository root (bench/gpu/run-gpu.sh).
        Path src = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && src == null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("kernels/src/main/cuda"))) src = d.resolve("kernels/src/main/cuda");
        }
        assertNotNull(src, "kernels/src/main/cuda not found above " + Path.of("").toAbsolutePath());
        List<String> missing = new ArrayList<>();
        try (Stream<Path> s = Files.list(src)) {
            for (Path cu : s.filter(p -> p.toString().endsWith(".cu")).toList()) {
                String name = cu.getFileName().toString().replace(".cu", ".ptx");
                if (KernelAbi.class.getResource(KernelAbi.RESOURCE_DIR + name) == null) missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "no PTX for " + missing + ": run kernels/build-ptx.sh");
    }

    @Test
    void launchSignatureOfArguments() {
        // The argument kinds Launch accepts map to the ABI letters (null is a null device pointer).
        assertEquals("pif", Launch.signature(0x7f00_0000_0000L, new int[1], 1f));
        assertEquals("pi?", Launch.signature(null, 3, new int[2]));
    }
}
