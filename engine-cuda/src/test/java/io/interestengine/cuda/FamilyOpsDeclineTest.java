package io.interestengine.cuda;

import io.interestengine.graph.CrossOp;
import io.interestengine.graph.FmOp;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA backend has no kernels for the deep recommendation family's ops: its table declines a model that uses
 * one, naming the op (the backend then refuses it when forced and auto picks SIMD or scalar).
 */
class FamilyOpsDeclineTest {
    @Test
    void theTableNamesTheFirstOpWithoutAKernel() {
        List<Value> in = List.of(Value.vector("a", Scope.USER, 4), Value.vector("b", Scope.CANDIDATE, 4));
        Op fm = new FmOp(Value.vector("fm_out", Scope.CANDIDATE, 1), in, false);
        Op cross = new CrossOp(Value.vector("x1", Scope.USER, 4), in.get(0), false, 1, new float[4], new float[4]);
        for (Op op : List.of(fm, cross)) {
            ModelGraph g = new ModelGraph("decline", "", "", 2, Map.of(), List.of(), List.of(), Map.of(), List.of(op), null);
            String why = CudaKernels.TABLE.unsupported(g);
            assertTrue(why != null && why.contains("'" + op.kind() + "'") && why.contains(op.out().name()), op.kind() + ": " + why);
        }
    }

}
