package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.json.Json;
import io.interestengine.json.JsonException;
import io.interestengine.json.Node;

import java.util.List;

/**
 * Reads requests written as JSON (docs/FORMAT.md, "Requests"): a ranking request
 * {@code {"user": {...}, "history": {...}, "candidates": {...}}} or a batch
 * {@code {"batch": [{"user": ..., "history": ..., "candidate": {...}}, ...]}}. Used by the {@code score}
 * command and the conformance tests; it allocates, so services on the hot path fill requests directly.
 */
public final class RequestJson {
    private RequestJson() {
    }

    /** A parsed request: exactly one of the two is set. */
    public record Parsed(RankingRequest ranking, BatchRequest batch) {
        public int size() {
            return ranking != null ? ranking.size() : batch.size();
        }
    }

    private static RuntimeException bad(String m) {
        return new InvalidRequestException(m);
    }

    /**
     * Parses one request for {@code model}.
     *
     * @throws InvalidRequestException naming the field, position or value at fault (also for malformed JSON), or
     *                                 the limit of the model's load options that the request passes
     * @throws IllegalStateException   if the model is closed
     * @throws NullPointerException    if {@code model} or {@code json} is null
     */
    public static Parsed parse(Model model, String json) {
        java.util.Objects.requireNonNull(model, "model");
        java.util.Objects.requireNonNull(json, "json");
        Object raw;
        try {
            raw = Json.parse(json);
        } catch (JsonException e) {
            throw new InvalidRequestException("invalid JSON: " + e.getMessage());
        }
        return parse(model, raw);
    }

    /**
     * Parses one request already read by {@link Json#parse} (a server that looks at other keys first, then
     * removes them, parses the text once).
     *
     * @throws InvalidRequestException naming the field, position or value at fault
     */
    public static Parsed parse(Model model, Object tree) {
        Node root = new Node(tree, "", RequestJson::bad);
        if (!root.isObject()) throw new InvalidRequestException("a request is a JSON object");
        if (root.has("batch")) {
            root.allowOnly("batch");
            List<Node> samples = root.get("batch").list();
            if (samples.isEmpty()) throw root.get("batch").fail("batch is empty");
            BatchRequest b = model.newBatchRequest().reset(samples.size());
            for (int s = 0; s < samples.size(); s++) {
                Node n = samples.get(s);
                n.allowOnly("user", "history", "candidate");
                fillUser(model, n, s, b, null);
                Node c = n.opt("candidate");
                if (c.isNull()) throw n.fail("missing \"candidate\"");
                for (String k : c.keys()) {
                    Field f = field(model, c, k, Field.Group.CANDIDATE);
                    if (f.isDense()) b.candidateDense(s, k, floats(c.get(k), f.denseWidth()));
                    else b.candidate(s, k, id(c.get(k)));
                }
            }
            return new Parsed(null, b);
        }
        root.allowOnly("user", "history", "candidates");
        RankingRequest r = model.newRankingRequest();
        fillUser(model, root, 0, null, r);
        Node cands = root.opt("candidates");
        if (cands.isNull()) throw new InvalidRequestException("candidates: missing (candidate list empty)");
        for (String k : cands.keys()) {
            Field f = field(model, cands, k, Field.Group.CANDIDATE);
            List<Node> vals = cands.get(k).list();
            if (vals.isEmpty()) throw cands.get(k).fail("candidate list empty");
            // Checked here too, before the id arrays are filled: the session would refuse the request anyway.
            Limits.checkRequest(1, vals.size(), false, model.options());
            if (f.isDense()) {
                int w = f.denseWidth();
                float[] all = new float[vals.size() * w];
                for (int c = 0; c < vals.size(); c++) System.arraycopy(floats(vals.get(c), w), 0, all, c * w, w);
                r.candidateDense(k, all, vals.size());
            } else {
                int[] ids = new int[vals.size()];
                for (int c = 0; c < ids.length; c++) ids[c] = id(vals.get(c));
                r.candidates(k, ids, ids.length);
            }
        }
        return new Parsed(r, null);
    }

    private static void fillUser(Model model, Node n, int sample, BatchRequest b, RankingRequest r) {
        Node user = n.opt("user");
        if (!user.isNull()) {
            for (String k : user.keys()) {
                Field f = field(model, user, k, Field.Group.USER);
                if (f.isDense()) {
                    float[] v = floats(user.get(k), f.denseWidth());
                    if (b != null) b.userDense(sample, k, v); else r.userDense(k, v);
                } else {
                    int id = id(user.get(k));
                    if (b != null) b.user(sample, k, id); else r.user(k, id);
                }
            }
        }
        Node hist = n.opt("history");
        if (!hist.isNull()) {
            for (String k : hist.keys()) {
                field(model, hist, k, Field.Group.HISTORY);
                List<Node> vals = hist.get(k).list();
                int[] ids = new int[vals.size()];
                for (int t = 0; t < ids.length; t++) ids[t] = id(vals.get(t));
                if (b != null) b.history(sample, k, ids, ids.length); else r.history(k, ids, ids.length);
            }
        }
    }

    private static Field field(Model model, Node parent, String name, Field.Group g) {
        Field f = model.graph().field(name);
        if (f == null || f.group() != g) {
            throw parent.opt(name).fail("no " + g.name().toLowerCase() + " field '" + name + "' in model '" + model.graph().name() + "'");
        }
        if (f.isDerived()) throw parent.opt(name).fail("field '" + name + "' is derived from '" + f.deriveFrom().name() + "' and must not be sent");
        return f;
    }

    private static int id(Node n) {
        long v = n.integer();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw n.fail("id " + v + " does not fit in 32 bits");
        return (int) v;
    }

    private static float[] floats(Node n, int width) {
        List<Node> l = n.list();
        if (l.size() != width) throw n.fail("expected " + width + " numbers, found " + l.size());
        float[] v = new float[width];
        for (int k = 0; k < width; k++) v[k] = (float) l.get(k).num();
        return v;
    }

    /**
     * Scores a parsed request with {@code session}.
     *
     * @throws InvalidRequestException if the request is incomplete or invalid
     * @throws NumericException        if a score is not finite
     * @throws IllegalStateException   if the session or its model is closed
     * @throws NullPointerException    if {@code session} or {@code p} is null
     */
    public static float[] score(Session session, Parsed p) {
        java.util.Objects.requireNonNull(session, "session");
        java.util.Objects.requireNonNull(p, "p");
        return p.ranking != null ? session.score(p.ranking) : session.score(p.batch);
    }
}
