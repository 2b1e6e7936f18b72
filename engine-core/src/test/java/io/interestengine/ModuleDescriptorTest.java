package io.interestengine;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * engine-core's module descriptor exports the API and the backend SPI to everyone and nothing else: the loader,
 * the op graph (whose layers hold weight arrays), the kernels and the file formats only to the engine's modules.
 */
class ModuleDescriptorTest {
    @Test
    void onlyTheApiAndTheSpiAreExported() throws Exception {
        ModuleDescriptor d;
        // The descriptor beside the engine's classes (the class path also holds the JDK's own descriptors).
        Path classes = Path.of(Model.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.isDirectory(classes) ? Files.newInputStream(classes.resolve("module-info.class"))
                : new java.util.jar.JarFile(classes.toFile()).getInputStream(new java.util.zip.ZipEntry("module-info.class"))) {
            assertNotNull(in, "engine-core has no module-info.class");
            d = ModuleDescriptor.read(in);
        }
        assertEquals("io.interestengine.core", d.name());
        Set<String> open = new TreeSet<>(), qualified = new TreeSet<>();
        for (ModuleDescriptor.Exports e : d.exports()) {
            if (e.isQualified()) {
                qualified.add(e.source());
                assertTrue(e.targets().stream().allMatch(t -> t.startsWith("io.interestengine.")), e + " goes outside the engine");
            } else {
                open.add(e.source());
            }
        }
        assertEquals(Set.of("io.interestengine", "io.interestengine.spi"), open);
        assertTrue(qualified.containsAll(Set.of("io.interestengine.graph", "io.interestengine.format", "io.interestengine.internal")), qualified.toString());
        assertTrue(d.opens().isEmpty(), "no package is open to reflection: " + d.opens());
        assertTrue(d.uses().contains("io.interestengine.spi.Backend"));
    }
}
