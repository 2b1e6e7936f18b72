package io.interestengine.graph;

import io.interestengine.ModelFormatException;
import io.interestengine.format.SafeTensors;
import io.interestengine.format.Tensor;
import io.interestengine.json.Json;
import io.interestengine.json.JsonException;
import io.interestengine.json.Node;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a model directory ({@code model.json} + {@code weights.safetensors}, see docs/FORMAT.md) into a
 * {@link ModelGraph}: every tensor is checked against the configuration, batch norms are folded into
 * their dense layers and Dice parameters are folded into one affine map. Throws on the first problem,
 * naming the field or tensor; the caller closes the arena, so nothing stays half-loaded.
 */
public final class GraphLoader implements OpContext {
    /** The newest format_version this engine reads; every older one still loads. */
    public static final int FORMAT_VERSION = 2;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private final Path dir;
    private final Arena arena;
    private final boolean mmapTables;
    private SafeTensors st;
    private final Set<String> used = new HashSet<>();
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final List<Field> fields = new ArrayList<>();
    private final Map<String, Field> fieldByName = new LinkedHashMap<>();
    private final Map<String, Value> values = new LinkedHashMap<>();
    private final List<Op> ops = new ArrayList<>();
    private final List<SequenceGroup> sequences = new ArrayList<>();
    private int formatVersion;

    private GraphLoader(Path dir, Arena arena, boolean mmapTables) {
        this.dir = dir;
        this.arena = arena;
        this.mmapTables = mmapTables;
    }

    /**
     * Loads and validates a model directory into {@code arena}.
     *
     * @param mmapTables map every embedding table from the file instead of copying it
     * @throws ModelFormatException naming the file, field or tensor at fault
     */
    public static ModelGraph load(Path dir, Arena arena, boolean mmapTables) {
        return new GraphLoader(dir, arena, mmapTables).load();
    }

    private static ModelFormatException err(String m) {
        return new ModelFormatException("model.json: " + m);
    }

    private ModelGraph load() {
        Path json = dir.resolve("model.json");
        byte[] jsonBytes;
        try {
            jsonBytes = Files.readAllBytes(json);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(dir + ": no model.json (is this a model directory?)");
        } catch (IOException e) {
            throw new ModelFormatException(json + ": cannot read: " + e.getMessage(), e);
        }
        Object parsed;
        try {
            parsed = Json.parse(new String(jsonBytes, StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw err("invalid JSON: " + e.getMessage());
        }
        Node root = new Node(parsed, "", GraphLoader::err);
        root.allowOnly("format", "format_version", "name", "reference", "description", "tables", "fields", "graph",
                "output", "allow_unused_tensors", "notes");
        if (root.has("format") && !root.get("format").str().equals("interest-engine-model")) {
            throw root.get("format").fail("expected \"interest-engine-model\", found \"" + root.get("format").str() + "\"");
        }
        long ver = root.get("format_version").integer();
        if (ver < 1 || ver > FORMAT_VERSION) {
            throw root.get("format_version").fail("unsupported version " + ver + " (this engine reads 1 to " + FORMAT_VERSION + ")");
        }
        formatVersion = (int) ver;
        Path wfile = dir.resolve("weights.safetensors");
        if (!Files.exists(wfile)) throw new ModelFormatException(dir + ": no weights.safetensors");
        st = SafeTensors.open(wfile, arena);

        Node tnode = root.get("tables");
        for (String tn : tnode.keys()) parseTable(tn, tnode.get(tn));
        parseFields(root.get("fields"));
        List<Node> graph = root.get("graph").list();
        if (graph.isEmpty()) throw root.get("graph").fail("the graph has no ops");
        for (int k = 0; k < graph.size(); k++) parseOp(graph.get(k), k);
        Output output = parseOutput(root.get("output"));
        checkStateGroups();

        if (!root.bool("allow_unused_tensors", false)) {
            for (String t : st.entries().keySet()) {
                if (!used.contains(t)) {
                    throw new ModelFormatException("weights.safetensors: tensor '" + t + "' is not used by model.json (set \"allow_unused_tensors\": true to accept it)");
                }
            }
        }
        return new ModelGraph(root.str("name", dir.getFileName().toString()), root.str("reference", ""),
                io.interestengine.format.ModelFingerprint.of(jsonBytes, st,
                        tables.values().stream().flatMap(t -> t.tensors().stream()).toList()), formatVersion, Map.copyOf(tables), List.copyOf(fields), List.copyOf(sequences), values,
                List.copyOf(ops), output);
    }

    static String checkName(Node n) {
        String s = n.str();
        if (!NAME.matcher(s).matches()) throw n.fail("invalid name \"" + s + "\"");
        return s;
    }

    SafeTensors.Entry entry(Node ref, long... shape) {
        String name = ref.str();
        SafeTensors.Entry e = st.entries().get(name);
        if (e == null) throw new ModelFormatException("model.json: " + ref.path() + ": tensor '" + name + "' is missing from weights.safetensors");
        if (shape != null && !Arrays.equals(e.shape(), shape)) {
            throw new ModelFormatException("model.json: " + ref.path() + ": tensor '" + name + "' has shape " + Arrays.toString(e.shape()) + ", expected " + Arrays.toString(shape));
        }
        used.add(name);
        return e;
    }

    @Override
    public float[] floats(Node ref, long... shape) {
        return st.floats(entry(ref, shape), arena).toFloatArray();
    }

    private void parseTable(String name, Node t) {
        if (!NAME.matcher(name).matches()) throw t.fail("invalid table name");
        t.allowOnly("tensor", "rows", "dim", "oov", "mmap");
        int rows = t.get("rows").intIn(1, Integer.MAX_VALUE);
        int dim = t.get("dim").intIn(1, 1 << 20);
        SafeTensors.Entry e = entry(t.get("tensor"), rows, dim);
        boolean map = mmapTables || t.bool("mmap", false);
        TableType type = switch (e.dtype()) {
            case F32 -> TableType.F32;
            case F16 -> TableType.F16;
            case BF16 -> TableType.BF16;
            case I8 -> TableType.I8;
            default -> throw new ModelFormatException("model.json: " + t.get("tensor").path() + ": table '" + name
                    + "': tensor '" + e.name() + "' is " + e.dtype() + "; a table is F32, F16, BF16 or I8");
        };
        MemorySegment data = st.tableBytes(e, arena, map);
        MemorySegment scales = type == TableType.I8 ? scales(name, t.get("tensor"), rows, map) : null;
        int defaultRow = -1;
        Node oov = t.opt("oov");
        if (!oov.isNull()) {
            if (oov.isString()) {
                if (!oov.str().equals("error")) throw oov.fail("expected \"error\" or {\"default_row\": R}, found \"" + oov.str() + "\"");
            } else {
                oov.allowOnly("default_row");
                defaultRow = oov.get("default_row").intIn(0, rows - 1);
            }
        }
        tables.put(name, new Table(name, rows, dim, type, e.name(), data, scales, defaultRow));
    }

    /** The per-row F32 scales {@code [rows]} of I8 table {@code name}, stored as tensor {@code <tensor>.scale}. */
    private MemorySegment scales(String name, Node tensorRef, int rows, boolean map) {
        String sn = Table.scaleTensor(tensorRef.str());
        SafeTensors.Entry e = st.entries().get(sn);
        String where = "model.json: " + tensorRef.path() + ": I8 table '" + name + "'";
        if (e == null) throw new ModelFormatException(where + " needs its per-row scales, tensor '" + sn + "' [" + rows
                + "] F32, missing from weights.safetensors");
        if (e.dtype() != SafeTensors.DType.F32 || e.shape().length != 1 || e.shape()[0] != rows) {
            throw new ModelFormatException(where + ": scales tensor '" + sn + "' is " + e.dtype()
                    + Arrays.toString(e.shape()) + ", expected F32[" + rows + "]");
        }
        used.add(sn);
        return map ? st.bytes(e) : st.floats(e, arena).data();
    }

    private void parseFields(Node f) {
        f.allowOnly("user", "history", "sequences", "candidate");
        if (f.has("user")) for (Node n : f.get("user").list()) addField(n, Field.Group.USER, null);
        if (f.has("history") && f.has("sequences")) throw f.get("sequences").fail("give \"sequences\" or the single-group \"history\", not both");
        if (f.has("sequences") && formatVersion < 2) throw f.get("sequences").fail("sequence groups need \"format_version\": 2");
        if (f.has("history")) parseGroup("history", f.get("history"));
        if (f.has("sequences")) {
            Node groups = f.get("sequences");
            for (String name : groups.keys()) {
                if (!NAME.matcher(name).matches()) throw groups.opt(name).fail("invalid sequence group name \"" + name + "\"");
                parseGroup(name, groups.get(name));
            }
        }
        if (f.has("candidate")) for (Node n : f.get("candidate").list()) addField(n, Field.Group.CANDIDATE, null);
        if (fields(Field.Group.CANDIDATE).isEmpty()) throw f.fail("at least one candidate field is required");
    }

    /** One sequence group: its fields share a length per user row (or, id-masked, the first field's padding). */
    private void parseGroup(String name, Node h) {
        h.allowOnly(formatVersion >= 2 ? List.of("max_length", "padding", "padding_id", "mask", "fields")
                : List.of("max_length", "padding", "padding_id", "fields"));
        int maxLength = h.get("max_length").intIn(1, 1 << 16);
        String pad = h.str("padding", "right");
        if (!pad.equals("right") && !pad.equals("left")) throw h.get("padding").fail("expected \"right\" or \"left\", found \"" + pad + "\"");
        String mask = h.str("mask", "length");
        if (!mask.equals("length") && !mask.equals("id")) throw h.get("mask").fail("expected \"length\" or \"id\", found \"" + mask + "\"");
        int padId = h.has("padding_id") ? h.get("padding_id").intIn(0, Integer.MAX_VALUE) : 0;
        SequenceGroup g = new SequenceGroup(name, sequences.size(), maxLength, pad.equals("left"), padId, mask.equals("id"));
        sequences.add(g);
        List<Node> fs = h.get("fields").list();
        if (fs.isEmpty()) throw h.get("fields").fail(g.describe() + " has no fields");
        for (Node n : fs) addField(n, Field.Group.HISTORY, g);
        // Padded positions are looked up like real ids, so the padding id must be a row of every table of the group.
        for (Field x : fields) {
            if (x.seq() == g && padId >= x.table().rows()) {
                Node at = h.has("padding_id") ? h.get("padding_id") : h;
                throw at.fail("padding id " + padId + " is outside table '" + x.table().name() + "' of " + x.table().rows()
                        + " rows (field '" + x.name() + "' of " + g.describe() + ")");
            }
        }
    }

    private List<Field> fields(Field.Group g) {
        return fields.stream().filter(x -> x.group() == g).toList();
    }

    private void addField(Node n, Field.Group g, SequenceGroup seq) {
        n.allowOnly("name", "table", "dense", "derive");
        String name = checkName(n.get("name"));
        if (fieldByName.containsKey(name)) throw n.get("name").fail("field \"" + name + "\" declared twice");
        Field f;
        if (n.has("dense")) {
            if (n.has("table")) throw n.fail("a field has either \"table\" or \"dense\", not both");
            if (g == Field.Group.HISTORY) throw n.fail("dense fields are not allowed in a sequence group");
            f = new Field(name, g, null, n.get("dense").intIn(1, 1 << 20), null, null, fields.size(), null);
        } else {
            String tn = n.get("table").str();
            Table t = tables.get(tn);
            if (t == null) throw n.get("table").fail("unknown table \"" + tn + "\" (tables: " + String.join(", ", tables.keySet()) + ")");
            Field from = null;
            Tensor map = null;
            if (n.has("derive")) {
                Node d = n.get("derive");
                d.allowOnly("from", "map");
                String fn = d.get("from").str();
                from = fieldByName.get(fn);
                if (from == null || from.group() != g || from.seq() != seq || from.isDense()) {
                    throw d.get("from").fail("\"" + fn + "\" is not an earlier id field of the same group");
                }
                if (from.isDerived()) throw d.get("from").fail("\"" + fn + "\" is itself derived");
                map = st.ints(entry(d.get("map"), from.table().rows()), arena);
                for (int k = 0; k < from.table().rows(); k++) {
                    int v = map.i(k);
                    if (v < 0 || v >= t.rows()) {
                        throw d.get("map").fail("id map '" + d.get("map").str() + "' maps " + k + " to " + v + ", outside table '" + tn + "' of " + t.rows() + " rows");
                    }
                }
            }
            f = new Field(name, g, t, 0, from, map, fields.size(), seq);
        }
        fields.add(f);
        fieldByName.put(name, f);
    }

    @Override
    public Value value(Node ref) {
        String n = ref.str();
        Value v = values.get(n);
        if (v == null) throw ref.fail("unknown value \"" + n + "\" (it must be written by an earlier op)");
        return v;
    }

    @Override
    public Field field(Node ref) {
        return fieldByName.get(ref.str());
    }

    @Override
    public List<Op> earlier() {
        return List.copyOf(ops);
    }

    /** A name for a value this op writes: valid and not yet defined. */
    @Override
    public String newName(Node ref) {
        String n = checkName(ref);
        if (values.containsKey(n) || fieldByName.containsKey(n)) throw ref.fail("\"" + n + "\" is already defined");
        return n;
    }

    private void parseOp(Node raw, int index) {
        String kind = raw.get("op").str();
        OpDefinition def = Ops.get(kind);
        if (def == null) throw raw.get("op").fail("unknown op \"" + kind + "\" (known: " + String.join(", ", Ops.kinds()) + ")");
        // The op's path names its index and kind, so every error below says which op it is about.
        Node op = new Node(raw.raw(), "graph[" + index + "](" + kind + ")", GraphLoader::err);
        add(def.parse(this, op));
    }

    /** A user state holds one behaviour window: every stateful op must read the same sequence group. */
    private void checkStateGroups() {
        StatefulOp first = null;
        for (Op op : ops) {
            if (!(op instanceof StatefulOp so) || !so.holdsUserState() || so.inputs().get(0).group() == null) continue;
            if (first == null) first = so;
            else if (so.inputs().get(0).group() != first.inputs().get(0).group()) {
                throw err("stateful ops '" + first.out().name() + "' and '" + so.out().name() + "' read different sequence groups ('"
                        + first.inputs().get(0).group().name() + "', '" + so.inputs().get(0).group().name() + "'): a user state holds one");
            }
        }
    }

    private void add(Op op) {
        for (Value v : op.outputs()) values.put(v.name(), v);
        ops.add(op);
    }

    /** One dense layer with its batch norms folded: BN before scales W's columns, BN after its rows. */
    @Override
    public Layer layer(Node n, String name, int in) {
        Node wref = n.get("weight");
        SafeTensors.Entry we = entry(wref, (long[]) null);
        if (we.shape().length != 2 || we.shape()[1] != in) {
            throw new ModelFormatException("model.json: " + wref.path() + ": tensor '" + wref.str() + "' has shape " + Arrays.toString(we.shape()) + ", expected [out, " + in + "]");
        }
        int out = (int) we.shape()[0];
        double[] w = toDouble(st.floats(we, arena).toFloatArray());
        double[] b = n.has("bias") ? toDouble(floats(n.get("bias"), out)) : new double[out];
        if (n.has("batch_norm_before")) {
            double[][] st = batchNorm(n.get("batch_norm_before"), in);
            for (int o = 0; o < out; o++) {
                double acc = 0;
                for (int i = 0; i < in; i++) {
                    acc += w[o * in + i] * st[1][i];
                    w[o * in + i] *= st[0][i];
                }
                b[o] += acc;
            }
        }
        if (n.has("batch_norm_after")) {
            double[][] st = batchNorm(n.get("batch_norm_after"), out);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) w[o * in + i] *= st[0][o];
                b[o] = b[o] * st[0][o] + st[1][o];
            }
        }
        Activation act = n.has("activation") ? parseActivation(n.get("activation"), out) : Activation.LINEAR;
        return new Layer(name, in, out, toFloat(w), toFloat(b), act);
    }

    /**
     * A GRU_CELL object. {@code "style": "tf"}: gate_weight {@code [2H, in+H]}, gate_bias {@code [2H]},
     * candidate_weight {@code [H, in+H]}, candidate_bias {@code [H]} (a TF kernel {@code [in+H, 2H]} transposed).
     * {@code "style": "torch"}: weight_ih {@code [3H, in]}, weight_hh {@code [3H, H]}, bias_ih, bias_hh {@code [3H]}.
     * Biases may be omitted (zero).
     */
    @Override
    public GruCell gruCell(Node c, int in, int hidden) {
        String style = c.get("style").str();
        int x = in + hidden;
        switch (style) {
            case "tf" -> {
                c.allowOnly("style", "gate_weight", "gate_bias", "candidate_weight", "candidate_bias");
                float[] g = floats(c.get("gate_weight"), 2L * hidden, x);
                float[] gb = c.has("gate_bias") ? floats(c.get("gate_bias"), 2L * hidden) : new float[2 * hidden];
                float[] cw = floats(c.get("candidate_weight"), hidden, x);
                float[] cb = c.has("candidate_bias") ? floats(c.get("candidate_bias"), hidden) : new float[hidden];
                return new GruCell(true, in, hidden, g, gb, cw, cb, null, null, null, null);
            }
            case "torch" -> {
                c.allowOnly("style", "weight_ih", "weight_hh", "bias_ih", "bias_hh");
                float[] ih = floats(c.get("weight_ih"), 3L * hidden, in);
                float[] hh = floats(c.get("weight_hh"), 3L * hidden, hidden);
                float[] bi = c.has("bias_ih") ? floats(c.get("bias_ih"), 3L * hidden) : new float[3 * hidden];
                float[] bh = c.has("bias_hh") ? floats(c.get("bias_hh"), 3L * hidden) : new float[3 * hidden];
                return new GruCell(false, in, hidden, null, null, null, null, ih, bi, hh, bh);
            }
            default -> throw c.get("style").fail("expected \"tf\" or \"torch\", found \"" + style + "\"");
        }
    }

    /** Batch norm as {@code x·scale + shift}: [0] scale, [1] shift. */
    private double[][] batchNorm(Node bn, int width) {
        bn.allowOnly("mean", "var", "weight", "bias", "eps");
        double eps = bn.num("eps", 1e-3);
        if (eps < 0) throw bn.get("eps").fail("negative eps " + eps);
        float[] mean = bn.has("mean") ? floats(bn.get("mean"), width) : null;
        float[] var = bn.has("var") ? floats(bn.get("var"), width) : null;
        float[] g = bn.has("weight") ? floats(bn.get("weight"), width) : null;
        float[] beta = bn.has("bias") ? floats(bn.get("bias"), width) : null;
        double[][] r = new double[2][width];
        for (int c = 0; c < width; c++) {
            double v = var == null ? 1 : var[c];
            if (v + eps <= 0) throw bn.get("var").fail("variance " + v + " + eps is not positive at channel " + c);
            double s = (g == null ? 1 : g[c]) / Math.sqrt(v + eps);
            r[0][c] = s;
            r[1][c] = (beta == null ? 0 : beta[c]) - (mean == null ? 0 : mean[c]) * s;
        }
        return r;
    }

    @Override
    public long[] shape(Node ref) {
        return entry(ref, (long[]) null).shape().clone();
    }

    @Override
    public Activation activation(Node a, int width) {
        return parseActivation(a, width);
    }

    private Activation parseActivation(Node a, int width) {
        String type = a.get("type").str();
        switch (type) {
            case "linear": a.allowOnly("type"); return Activation.LINEAR;
            case "relu": a.allowOnly("type"); return new Activation.Relu();
            case "sigmoid": a.allowOnly("type"); return new Activation.Sigmoid();
            case "tanh": a.allowOnly("type"); return new Activation.Tanh();
            case "prelu": {
                a.allowOnly("type", "alpha");
                SafeTensors.Entry e = entry(a.get("alpha"), (long[]) null);
                long n = e.numel();
                if (n != width && n != 1) throw a.get("alpha").fail("PReLU alpha '" + e.name() + "' has " + n + " values, expected " + width + " (per channel) or 1 (scalar)");
                float[] src = st.floats(e, arena).toFloatArray();
                float[] al = new float[width];
                for (int c = 0; c < width; c++) al[c] = src[n == 1 ? 0 : c];
                return new Activation.PRelu(al);
            }
            case "dice": {
                a.allowOnly("type", "alpha", "bn", "form");
                float[] alpha = floats(a.get("alpha"), width);
                float[] ka = new float[width], kc = new float[width];
                String form = a.str("form", "batch_norm");
                if (form.equals("per_sample")) {
                    if (a.has("bn")) throw a.get("bn").fail("the per_sample form takes no batch norm (p is 0.5)");
                } else if (form.equals("batch_norm")) {
                    double[][] bn = batchNorm(a.get("bn"), width);
                    for (int c = 0; c < width; c++) {
                        ka[c] = (float) bn[0][c];
                        kc[c] = (float) bn[1][c];
                    }
                } else {
                    throw a.get("form").fail("expected \"batch_norm\" or \"per_sample\", found \"" + form + "\"");
                }
                return new Activation.Dice(alpha, ka, kc);
            }
            default:
                throw a.get("type").fail("unknown activation \"" + type + "\" (known: linear, relu, sigmoid, tanh, prelu, dice)");
        }
    }

    private Output parseOutput(Node o) {
        o.allowOnly("in", "type", "index", "epsilon");
        Value v = value(o.get("in"));
        if (v.sequence()) throw o.get("in").fail("the output must be a vector");
        String t = o.get("type").str();
        Output.Kind k = switch (t) {
            case "sigmoid" -> Output.Kind.SIGMOID;
            case "softmax2" -> Output.Kind.SOFTMAX2;
            case "identity" -> Output.Kind.IDENTITY;
            default -> throw o.get("type").fail("unknown output type \"" + t + "\" (known: sigmoid, softmax2, identity)");
        };
        int need = k == Output.Kind.SOFTMAX2 ? 2 : 1;
        if (v.width() != need) throw o.get("in").fail("\"" + t + "\" needs width " + need + ", \"" + v.name() + "\" has " + v.width());
        int index = k == Output.Kind.SOFTMAX2 ? o.has("index") ? o.get("index").intIn(0, 1) : 0 : 0;
        return new Output(v, k, index, (float) o.num("epsilon", 0));
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }
}
