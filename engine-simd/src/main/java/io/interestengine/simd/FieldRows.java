package io.interestengine.simd;

import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;

import java.util.List;

/**
 * The fields of an interaction op split for ranking requests: the user part (every user-scope field; all of them
 * when the output is user scope) is computed once per user row, the candidate part per output row on top of it.
 * Pairs {@code i < j} (row-major) are user pairs when both fields are in the user part.
 */
final class FieldRows {
    final int F, k;
    final int[] off;
    final boolean[] user;
    final boolean candOut;
    final int rowMapOff;
    /** Pair p's fields and, for a user pair, its slot among the user pairs (else −1). */
    final int[] pi, pj, slot;
    final int userPairs;

    FieldRows(Value out, List<Value> in, Bindings b) {
        F = in.size();
        k = in.get(0).width();
        candOut = out.scope() == Scope.CANDIDATE;
        rowMapOff = b.rowMapOff();
        off = new int[F];
        user = new boolean[F];
        for (int f = 0; f < F; f++) {
            off[f] = b.off(in.get(f));
            user[f] = in.get(f).scope() == Scope.USER;
        }
        int P = F * (F - 1) / 2, s = 0;
        pi = new int[P];
        pj = new int[P];
        slot = new int[P];
        for (int i = 0, p = 0; i < F; i++) {
            for (int j = i + 1; j < F; j++, p++) {
                pi[p] = i;
                pj[p] = j;
                slot[p] = user[i] && user[j] ? s++ : -1;
            }
        }
        userPairs = s;
    }

    /** The user row of output row {@code r}. */
    int userRow(int[] ints, int r) {
        return candOut ? ints[rowMapOff + r] : r;
    }

    /** Where field {@code f} starts for output row {@code r} whose user row is {@code u}. */
    int at(int f, int r, int u) {
        return off[f] + (user[f] ? u : r) * k;
    }
}
