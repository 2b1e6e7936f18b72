package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code in} list of the interaction ops (fm, afm, PNN products, CIN, self-attention): F &gt;= 2 vectors of one
 * width k, user and candidate scope mixed freely. Pairs of fields are enumerated {@code i < j} row-major.
 */
final class FieldList {
    private FieldList() {
    }

    static List<Value> parse(OpContext c, Node op, String kind) {
        Node in = op.get("in");
        List<Value> v = new ArrayList<>();
        for (Node n : in.list()) v.add(c.value(n));
        if (v.size() < 2) throw in.fail(kind + " takes at least two fields, found " + v.size());
        Value first = v.get(0);
        for (Value x : v) {
            if (x.sequence()) throw in.fail(kind + " takes vectors, \"" + x.name() + "\" is a sequence");
            if (x.width() != first.width()) {
                throw in.fail("fields differ in width: " + x.describe() + " vs " + first.describe() + " (one embedding size k)");
            }
        }
        return List.copyOf(v);
    }

    /** Candidate scope when any field is. */
    static Scope scope(List<Value> v) {
        Scope s = Scope.USER;
        for (Value x : v) s = Scope.of(s, x.scope());
        return s;
    }

    /** The number of pairs {@code i < j} of {@code f} fields. */
    static int pairs(int f) {
        return f * (f - 1) / 2;
    }

    /**
     * The shape of tensor {@code ref}, which must have {@code rank} dimensions (the first {@code fixed.length} of
     * them as given, -1 for any), each at least 1; errors name the key and the tensor.
     */
    static int[] dims(OpContext c, Node ref, int rank, long... fixed) {
        long[] s = c.shape(ref);
        boolean ok = s.length == rank;
        for (int k = 0; ok && k < fixed.length; k++) ok = fixed[k] < 0 || s[k] == fixed[k];
        for (int k = 0; ok && k < s.length; k++) ok = s[k] >= 1 && s[k] <= Integer.MAX_VALUE;
        if (!ok) {
            StringBuilder want = new StringBuilder("[");
            for (int k = 0; k < rank; k++) want.append(k > 0 ? ", " : "").append(k < fixed.length && fixed[k] >= 0 ? fixed[k] : "*");
            throw ref.fail("tensor '" + ref.str() + "' has shape " + java.util.Arrays.toString(s) + ", expected " + want + "]");
        }
        int[] d = new int[rank];
        for (int k = 0; k < rank; k++) d[k] = (int) s[k];
        return d;
    }
}
