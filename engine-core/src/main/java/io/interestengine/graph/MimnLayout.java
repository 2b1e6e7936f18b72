package io.interestengine.graph;

/**
 * Sizes of a MIMN memory network and the layout of its packed per-user state (floats, in this order):
 * controller state {@code [H]}, read vector {@code [D]}, memory M {@code [m, D]}, w_aggre {@code [m]},
 * sum_aggre {@code [m, D]}, then with the Memory Induction Unit its slot states {@code [m, D]} and the last
 * step's outputs {@code [m, D]}. Keys (tanh(key_M)) are constant and not part of the state.
 */
public record MimnLayout(int input, int controller, int slots, int memoryDim, int outputDim, boolean induction) {
    public int ctrlOff() {
        return 0;
    }

    public int readOff() {
        return controller;
    }

    public int memOff() {
        return readOff() + memoryDim;
    }

    public int wAggreOff() {
        return memOff() + slots * memoryDim;
    }

    public int sumAggreOff() {
        return wAggreOff() + slots;
    }

    public int miuStateOff() {
        return sumAggreOff() + slots * memoryDim;
    }

    public int miuOutOff() {
        return miuStateOff() + slots * memoryDim;
    }

    /** Floats of one user's state. */
    public int size() {
        return induction ? miuOutOff() + slots * memoryDim : miuStateOff();
    }

    /** Values per head: key (D), β, g, shift (2·range+1), γ. */
    public static int perHead(int memoryDim, int shiftRange) {
        return memoryDim + 3 + 2 * shiftRange + 1;
    }
}
