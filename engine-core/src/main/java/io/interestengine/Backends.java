package io.interestengine;

import io.interestengine.graph.ModelGraph;
import io.interestengine.spi.Backend;
import io.interestengine.spi.DeviceModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Backend discovery and selection. {@code auto} tries every registered backend by descending rank and takes
 * the first that probes and loads; each rejection is logged with its reason. A named backend is used or
 * the load fails with that backend's reason.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger("io.interestengine");

    private Backends() {
    }

    /** Registered backends, highest rank first. */
    public static List<Backend> registered() {
        List<Backend> all = new ArrayList<>();
        for (Backend b : ServiceLoader.load(Backend.class)) all.add(b);
        all.sort(Comparator.comparingInt(Backend::rank).reversed());
        return all;
    }

    record Selection(Backend backend, DeviceModel model, String report) {
    }

    static Selection select(String requested, ModelGraph graph, LoadOptions options) {
        String name = requested == null ? "auto" : requested.trim().toLowerCase();
        if (name.equals("auto")) {
            String prop = System.getProperty(LoadOptions.BACKEND_PROPERTY);
            if (prop != null && !prop.isBlank() && !prop.equalsIgnoreCase("auto")) {
                Selection s = select(prop, graph, options);
                return new Selection(s.backend, s.model, s.report + " (forced by -D" + LoadOptions.BACKEND_PROPERTY + ")");
            }
        }
        return select(name, graph, options, registered());
    }

    /** Selection among {@code all} (highest rank first); the system property is not consulted. */
    static Selection select(String name, ModelGraph graph, LoadOptions options, List<Backend> all) {
        StringBuilder report = new StringBuilder();
        if (!name.equals("auto")) {
            for (Backend b : all) {
                if (b.name().equals(name)) {
                    b.probe();
                    String why = b.unsupported(graph);
                    if (why != null) throw new BackendUnavailableException(b.name() + ": " + why);
                    DeviceModel dm = b.load(graph, options);
                    String r = "backend " + b.name() + " (requested)";
                    LOG.log(System.Logger.Level.INFO, "model '" + graph.name() + "': " + r);
                    return new Selection(b, dm, r);
                }
            }
            throw new BackendUnavailableException("no backend named '" + name + "' (registered: "
                    + String.join(", ", all.stream().map(Backend::name).toList()) + "; is its jar on the class path?)");
        }
        for (Backend b : all) {
            try {
                b.probe();
                String why = b.unsupported(graph);
                if (why != null) throw new BackendUnavailableException(why);
                DeviceModel dm = b.load(graph, options);
                String r = "backend " + b.name() + " (auto: highest-ranked available" + (report.isEmpty() ? "" : "; " + report) + ")";
                // One line per model, rejections included: the choice is made once.
                LOG.log(System.Logger.Level.INFO, "model '" + graph.name() + "': " + r);
                return new Selection(b, dm, r);
            } catch (BackendUnavailableException e) {
                if (!report.isEmpty()) report.append("; ");
                report.append(b.name()).append(" rejected: ").append(e.getMessage());
            }
        }
        throw new BackendUnavailableException("no backend can run this model: " + report);
    }
}
